package io.parley.agent;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * When an agent's sessions end. Quarkus's form cookie is stateless and refreshed while in use, so it
 * cannot say when its session began: beside it the sign-in sets a small signed marker cookie, the
 * username and the sign-in instant, signed with a key derived from the session key (the same on every
 * instance). A session counts while its sign-in is after the account's {@code sessions_valid_after}
 * and the account is not disabled. Instances read that state at most {@code session-check} old, so a
 * sign-out, a password change or a disabled account ends sessions everywhere within that time.
 */
@ApplicationScoped
public class Sessions {

    public static final String MARKER = "parley-session";

    /** What the database says of an account's sessions, and when this instance read it. */
    record State(long validAfterMillis, boolean disabled, long readAtNanos) {
        static final State UNKNOWN_ACCOUNT = new State(Long.MAX_VALUE, true, 0);

        boolean admits(long signedInMillis) {
            return !disabled && signedInMillis > validAfterMillis;
        }
    }

    /** A marker's content once its signature is checked. */
    public record Marker(String username, long signedInMillis) {
    }

    private final Map<String, State> cache = new ConcurrentHashMap<>();
    private final AgentConfig config;
    private final byte[] key;

    Sessions(AgentConfig config, @ConfigProperty(name = "quarkus.http.auth.session.encryption-key") Optional<String> sessionKey) {
        this.config = config;
        this.key = sessionKey.filter(k -> !k.isBlank()).map(Sessions::derive).orElseGet(() -> {
            byte[] random = new byte[32]; // no configured key: Quarkus's own key is random per process too
            new SecureRandom().nextBytes(random);
            return random;
        });
    }

    /** The account's state as this instance read it within {@code session-check}, if it did. */
    Optional<State> recent(String username) {
        State s = cache.get(username);
        return s != null && System.nanoTime() - s.readAtNanos() < config.sessionCheck().toNanos() ? Optional.of(s) : Optional.empty();
    }

    @Transactional
    State fresh(String username) {
        State s = Agent.<Agent>find("username", username).firstResultOptional().map(Sessions::state).orElse(State.UNKNOWN_ACCOUNT);
        cache.put(username, s);
        return s;
    }

    /** The states of several accounts in one query (the open consoles' check). */
    @Transactional
    Map<String, State> fresh(Collection<String> usernames) {
        Map<String, State> states = Agent.<Agent>list("username in ?1", usernames).stream()
                .collect(Collectors.toMap(a -> a.username, Sessions::state));
        states.forEach(cache::put);
        return states;
    }

    /** Ends every session of the account signed in until now; returns the instant a new sign-in must follow. */
    @Transactional
    long endAll(String username) {
        long now = System.currentTimeMillis();
        Agent a = Agent.<Agent>find("username", username).firstResult();
        a.sessionsValidAfter = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC);
        cache.put(username, state(a));
        return now;
    }

    /** The marker cookie of a sign-in at {@code signedInMillis}; {@code Secure} when the request came over TLS. */
    Cookie marker(String username, long signedInMillis, boolean secure) {
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(username.getBytes(StandardCharsets.UTF_8))
                + "." + signedInMillis;
        return Cookie.cookie(MARKER, body + "." + sign(body)).setPath("/").setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(secure);
    }

    /** The marker's content when its signature is right. */
    public Optional<Marker> read(String value) {
        if (value == null) {
            return Optional.empty();
        }
        int last = value.lastIndexOf('.');
        int first = value.indexOf('.');
        if (first <= 0 || last <= first) {
            return Optional.empty();
        }
        String body = value.substring(0, last);
        if (!MessageDigest.isEqual(sign(body).getBytes(StandardCharsets.US_ASCII), value.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        try {
            String username = new String(Base64.getUrlDecoder().decode(body.substring(0, first)), StandardCharsets.UTF_8);
            return Optional.of(new Marker(username, Long.parseLong(body.substring(first + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The marker in a Cookie header (a WebSocket handshake). */
    public Optional<Marker> fromCookieHeader(String header) {
        if (header == null) {
            return Optional.empty();
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(MARKER + "=")) {
                return read(p.substring(MARKER.length() + 1));
            }
        }
        return Optional.empty();
    }

    private static State state(Agent a) {
        long validAfter = a.sessionsValidAfter == null ? Long.MIN_VALUE : a.sessionsValidAfter.toInstant().toEpochMilli();
        return new State(validAfter, a.disabledAt != null, System.nanoTime());
    }

    private String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key of its own for the marker, not the cookie encryption key itself. */
    private static byte[] derive(String sessionKey) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(("parley-session-marker\n" + sessionKey).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
