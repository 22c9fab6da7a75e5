package io.parley.conversation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How long Parley waits on PostgreSQL, so that a database that is slow, locked or frozen gives the
 * customer a retryable {@code storage_unavailable} within seconds instead of silence. Applied to every
 * pooled connection when it is opened ({@link SessionTimeouts}) and to the change feed's own connection.
 */
@ConfigMapping(prefix = "parley.database")
public interface DatabaseTimeouts {

    /** PostgreSQL cancels a statement that runs longer ({@code statement_timeout}). */
    @WithDefault("5s")
    Duration statementTimeout();

    /** PostgreSQL gives up waiting for a row or table lock after this ({@code lock_timeout}). */
    @WithDefault("2s")
    Duration lockTimeout();

    /**
     * A connection on which the database sends nothing for this long is given up (PgJDBC's socket
     * timeout): what ends a wait on a frozen server, which cannot enforce its own timeouts. Keep it above
     * {@link #statementTimeout()}, or a long statement is cut by the client before the server reports it.
     */
    @WithDefault("6s")
    Duration networkTimeout();
}
