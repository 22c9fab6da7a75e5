package io.parley.testing;

import io.parley.ops.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/** Every test runs against a real PostgreSQL: the same embedded server the app uses, started once per JVM. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String url = EmbeddedDatabase.start(Path.of("target", "test-postgres").toAbsolutePath(), true, 0);
        return Map.of("quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        // shared by every test class; stopped when the JVM exits
    }
}
