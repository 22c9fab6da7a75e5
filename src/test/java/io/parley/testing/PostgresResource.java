package io.parley.testing;

import io.parley.ops.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/** Every test runs against a real PostgreSQL: the same embedded server the app uses, started once per JVM. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static final String URL_PROPERTY = "parley.test.postgres-url";
    private static final String PASSWORD_PROPERTY = "parley.test.postgres-password";

    @Override
    public Map<String, String> start() {
        // Quarkus starts resources in a new class loader after each app restart (another profile or
        // resource set), so the running server is remembered in a JVM-wide system property
        String url = System.getProperty(URL_PROPERTY);
        if (url == null) {
            url = EmbeddedDatabase.start(Path.of("target", "test-postgres").toAbsolutePath(), true, 0);
            System.setProperty(URL_PROPERTY, url);
            System.setProperty(PASSWORD_PROPERTY, EmbeddedDatabase.password());
        }
        return Map.of("quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", System.getProperty(PASSWORD_PROPERTY));
    }

    @Override
    public void stop() {
        // shared by every test class; stopped when the JVM exits
    }
}
