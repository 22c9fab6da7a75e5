package io.parley;

import io.parley.ops.EmbeddedDatabase;
import io.parley.ops.SessionKey;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point. Starts an embedded PostgreSQL first when no datasource URL is configured,
 * so that one command runs Parley on a machine that has only a JDK.
 */
@QuarkusMain
public class ParleyMain {

    public static void main(String... args) {
        EmbeddedDatabase.startIfNoDatasourceConfigured();
        SessionKey.ensure();
        Quarkus.run(args);
    }
}
