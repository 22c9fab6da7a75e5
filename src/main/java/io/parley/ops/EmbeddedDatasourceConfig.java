package io.parley.ops;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Set;

/**
 * The datasource URL, user and password of the embedded PostgreSQL that {@link EmbeddedDatabase} starts
 * in the background. Quarkus reads them when it builds its runtime configuration, after its static
 * initialisation: the read waits for the server, so the two start side by side. Provides nothing when
 * no embedded server was started (a datasource URL is configured, or tests).
 * <p>
 * Above every other source, system properties (400) included: the embedded server's own user and password
 * must win over a username or password configured without a URL, as when they were set as system properties.
 */
public final class EmbeddedDatasourceConfig implements ConfigSource {

    private static final Set<String> NAMES = Set.of("quarkus.datasource.jdbc.url", "quarkus.datasource.username",
            "quarkus.datasource.password");

    @Override
    public Set<String> getPropertyNames() {
        return EmbeddedDatabase.starting() ? NAMES : Set.of();
    }

    @Override
    public String getValue(String propertyName) {
        if (!NAMES.contains(propertyName) || !EmbeddedDatabase.starting()) {
            return null;
        }
        return EmbeddedDatabase.datasourceSettings().get(propertyName);
    }

    @Override
    public String getName() {
        return "parley-embedded-postgresql";
    }

    @Override
    public int getOrdinal() {
        return 500;
    }
}
