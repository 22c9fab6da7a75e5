package io.parley.conversation;

import io.agroal.api.AgroalPoolInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Every pooled connection gets {@link DatabaseTimeouts} once, when the pool opens it. */
@ApplicationScoped
class SessionTimeouts implements AgroalPoolInterceptor {

    private final DatabaseTimeouts timeouts;

    SessionTimeouts(DatabaseTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    @Override
    public void onConnectionCreate(Connection connection) {
        try (Statement s = connection.createStatement()) {
            s.execute("set statement_timeout = " + timeouts.statementTimeout().toMillis()
                    + "; set lock_timeout = " + timeouts.lockTimeout().toMillis());
            connection.setNetworkTimeout(Runnable::run, (int) timeouts.networkTimeout().toMillis());
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }
}
