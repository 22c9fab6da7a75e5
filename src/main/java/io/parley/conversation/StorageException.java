package io.parley.conversation;

import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;

/** The database could not do what was asked; nothing was stored. The client may send the same again. */
public class StorageException extends ParleyException {

    public StorageException(java.sql.SQLException cause) {
        super(ErrorCode.STORAGE_UNAVAILABLE, "The server cannot reach its database. Send this again shortly.", 1000L, cause);
    }
}
