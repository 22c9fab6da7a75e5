package io.parley.integration.keys;

import java.time.OffsetDateTime;
import java.util.Set;

/**
 * A stored integration key, without its secret (only the secret's hash is stored).
 *
 * @param prefix the first characters of the key, shown in the console so an admin can tell keys apart
 */
public record IntegrationKey(long id, String name, String prefix, Set<Scope> scopes, int perMinute, String createdBy,
                             OffsetDateTime createdAt, OffsetDateTime expiresAt, OffsetDateTime revokedAt, OffsetDateTime lastUsedAt) {

    /** The name a call made with this key is logged and counted under. */
    public String caller() {
        return "key:" + id;
    }
}
