package io.parley.conversation;

import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;

/**
 * This Parley process. Its key names it in the database: as the owner of answers being streamed, and
 * as a PostgreSQL advisory lock held by {@link ChangeFeed} for as long as the process lives.
 */
@ApplicationScoped
public class Instance {

    private final long key = new SecureRandom().nextLong() & Long.MAX_VALUE;

    public long key() {
        return key;
    }
}
