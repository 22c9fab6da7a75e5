package io.parley.integration.keys;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.parley.limits.Limits;
import io.parley.conversation.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Integration keys for server-to-server calls: created by an admin and shown once, stored as the
 * SHA-256 of the key (the key is 32 random bytes: nothing to guess from a dictionary, so a slow,
 * salted hash would add cost to every call and no safety), checked on every call for scope, expiry
 * and revocation, and rate-limited per key.
 */
@ApplicationScoped
public class IntegrationKeys {

    private static final Logger LOG = Logger.getLogger(IntegrationKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Marks Parley keys in logs, config files and secret scanners. */
    static final String KEY_PREFIX = "pk_";
    private static final String COLUMNS = "id, name, prefix, scopes, per_minute, created_by, created_at, expires_at, revoked_at, last_used_at";

    private final DataSource dataSource;
    private final Limits limits;
    private final AuditTrail audit;

    IntegrationKeys(DataSource dataSource, Limits limits, AuditTrail audit) {
        this.dataSource = dataSource;
        this.limits = limits;
        this.audit = audit;
    }

    /** A new key and its secret, which is never stored nor shown again. */
    public record Created(IntegrationKey key, String secret) {
    }

    public Created create(String name, Set<Scope> scopes, OffsetDateTime expiresAt, int perMinute, String createdBy) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into integration_key (name, prefix, key_hash, scopes, per_minute, created_by, expires_at) "
                     + "values (?, ?, ?, ?, ?, ?, ?) returning " + COLUMNS)) {
            ps.setString(1, name);
            ps.setString(2, secret.substring(0, 10));
            ps.setBytes(3, hash(secret));
            ps.setArray(4, c.createArrayOf("text", scopes.stream().map(Scope::wire).toArray()));
            ps.setInt(5, perMinute);
            ps.setString(6, createdBy);
            ps.setObject(7, expiresAt);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Created(read(rs), secret);
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    public List<IntegrationKey> list() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from integration_key order by id desc limit 500");
             ResultSet rs = ps.executeQuery()) {
            List<IntegrationKey> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(read(rs));
            }
            return keys;
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** Revokes a key at once (every instance looks keys up on each call); false when there is no such key. */
    public boolean revoke(long id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update integration_key set revoked_at = coalesce(revoked_at, now()) where id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /**
     * The key a call presents ({@code Authorization: Bearer <key>}, or the bare key), if it is valid,
     * allows {@code needed} (or one of {@code orElse}), and is within its rate; otherwise {@code unauthorized}, {@code forbidden}
     * or {@code rate_limited}. The messages never tell an unknown key from a revoked or expired one.
     */
    public IntegrationKey authenticate(String presented, Scope needed, Scope... orElse) {
        String secret = presented == null ? null : presented.startsWith("Bearer ") ? presented.substring(7).trim() : presented.trim();
        if (secret == null || !secret.startsWith(KEY_PREFIX) || secret.length() > 100) {
            throw new ParleyException(ErrorCode.UNAUTHORIZED, "Send a valid integration key: Authorization: Bearer <key>.");
        }
        IntegrationKey key = find(secret).orElse(null);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (key == null || key.revokedAt() != null || (key.expiresAt() != null && !key.expiresAt().isAfter(now))) {
            String why = key == null ? "unknown" : key.revokedAt() != null ? "revoked" : "expired";
            LOG.infof("integration call refused: %s key", why);
            audit.recordLater(new AuditEntry(key == null ? "key:unknown" : actor(key), null, AuditAction.KEY_USE, needed.wire(),
                    AuditOutcome.DENIED, java.util.Map.of("reason", why)));
            throw new ParleyException(ErrorCode.UNAUTHORIZED, "This integration key is not valid (unknown, expired or revoked).");
        }
        if (!key.scopes().contains(needed) && java.util.Arrays.stream(orElse).noneMatch(key.scopes()::contains)) {
            audit.recordLater(new AuditEntry(actor(key), null, AuditAction.KEY_USE, needed.wire(), AuditOutcome.DENIED, java.util.Map.of("reason", "scope")));
            throw new ParleyException(ErrorCode.FORBIDDEN, "This integration key does not have the \"" + needed.wire() + "\" scope.");
        }
        try {
            limits.keyCall(key.id(), key.perMinute());
        } catch (ParleyException limited) {
            audit.recordLater(new AuditEntry(actor(key), null, AuditAction.KEY_USE, needed.wire(), AuditOutcome.DENIED, java.util.Map.of("reason", "rate")));
            throw limited;
        }
        audit.recordLater(new AuditEntry(actor(key), null, AuditAction.KEY_USE, needed.wire(), AuditOutcome.OK, java.util.Map.of("key", key.id())));
        LOG.debugf("integration call by key %d (%s) scope=%s", key.id(), key.prefix(), needed.wire());
        return key;
    }

    /** How the audit trail names a key's calls. */
    static String actor(IntegrationKey key) {
        return "key:" + key.name();
    }

    private Optional<IntegrationKey> find(String secret) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update integration_key set last_used_at = now() where key_hash = ? returning " + COLUMNS)) {
            ps.setBytes(1, hash(secret));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    private static IntegrationKey read(ResultSet rs) throws SQLException {
        Array array = rs.getArray("scopes");
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (Object s : (Object[]) array.getArray()) {
            Scope scope = Scope.of((String) s);
            if (scope != null) {
                scopes.add(scope);
            }
        }
        return new IntegrationKey(rs.getLong("id"), rs.getString("name"), rs.getString("prefix"), scopes, rs.getInt("per_minute"),
                rs.getString("created_by"), rs.getObject("created_at", OffsetDateTime.class), rs.getObject("expires_at", OffsetDateTime.class),
                rs.getObject("revoked_at", OffsetDateTime.class), rs.getObject("last_used_at", OffsetDateTime.class));
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
