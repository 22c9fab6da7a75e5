package io.parley.conversation;

import jakarta.persistence.PersistenceException;

/** A JDBC failure on the turn path, as the same kind of exception the entity paths throw (callers treat both alike). */
public class StorageException extends PersistenceException {

    public StorageException(java.sql.SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
