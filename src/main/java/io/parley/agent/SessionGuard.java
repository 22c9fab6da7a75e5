package io.parley.agent;

import io.parley.ops.Problems;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a session is let in or turned away ({@link Sessions}). At sign-in (the right password was
 * given): a disabled account is refused, and the marker cookie is set. On every later request with a
 * session cookie: the marker must be there, signed, of the same agent, and signed in after the
 * account's sessions were last ended; otherwise both cookies are cleared and an agent API or the agent
 * socket answers 401 (pages still load, and the console shows its sign-in).
 */
@ApplicationScoped
public class SessionGuard implements SecurityIdentityAugmentor {

    static final String SIGN_IN = "/j_security_check";
    private static final String ENDED = "parley.session-ended";

    private final Sessions sessions;
    private final SignInLimiter limiter;

    SessionGuard(Sessions sessions, SignInLimiter limiter) {
        this.sessions = sessions;
        this.limiter = limiter;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        return Uni.createFrom().item(identity);
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context, Map<String, Object> attributes) {
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(attributes);
        if (rc == null || identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        String username = identity.getPrincipal().getName();
        if (SIGN_IN.equals(rc.normalizedPath())) {
            return context.runBlocking(() -> signedIn(identity, username, rc));
        }
        Optional<Sessions.Marker> marker = sessions.read(cookie(rc, Sessions.MARKER)).filter(m -> m.username().equals(username));
        if (marker.isEmpty()) {
            return Uni.createFrom().item(ended(identity));
        }
        Supplier<SecurityIdentity> check = () -> sessions.recent(username).orElseGet(() -> sessions.fresh(username))
                .admits(marker.get().signedInMillis()) ? identity : ended(identity);
        return sessions.recent(username).isPresent() ? Uni.createFrom().item(check.get()) : context.runBlocking(check);
    }

    private SecurityIdentity signedIn(SecurityIdentity identity, String username, RoutingContext rc) {
        Sessions.State state = sessions.fresh(username);
        if (state.disabled()) {
            throw new AuthenticationFailedException("account disabled");
        }
        limiter.succeeded(username, limiter.clientAddress(rc));
        long at = Math.max(System.currentTimeMillis(), state.validAfterMillis() + 1);
        rc.response().addCookie(sessions.marker(username, at, rc.request().isSSL()));
        return identity;
    }

    /** This request's session goes on after its agent's other sessions were ended at {@code endedAt}. */
    void renew(RoutingContext rc, String username, long endedAt) {
        rc.response().addCookie(sessions.marker(username, endedAt + 1, rc.request().isSSL()));
    }

    private static SecurityIdentity ended(SecurityIdentity identity) {
        return QuarkusSecurityIdentity.builder(identity).addAttribute(ENDED, Boolean.TRUE).build();
    }

    /** After authentication (200), before authorization (100): an ended session opens nothing. */
    void filters(@Observes Filters filters) {
        filters.register(rc -> {
            if (rc.user() instanceof QuarkusHttpUser user && user.getSecurityIdentity().getAttribute(ENDED) != null) {
                clear(rc);
                String path = rc.normalizedPath();
                if (path.startsWith("/api/") || path.startsWith("/ws/agent")) {
                    Problems.send(rc.response(), 401, "Unauthorized", "This session has ended. Sign in again.");
                    return;
                }
            }
            rc.next();
        }, 180);
    }

    /** Clears both cookies in the browser (sign-out, or a session that has ended). */
    static void clear(RoutingContext rc) {
        for (String name : new String[] {"quarkus-credential", Sessions.MARKER}) {
            rc.response().addCookie(Cookie.cookie(name, "").setPath("/").setMaxAge(0));
        }
    }

    private static String cookie(RoutingContext rc, String name) {
        Cookie c = rc.request().getCookie(name);
        return c == null ? null : c.getValue();
    }
}
