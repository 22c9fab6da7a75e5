package io.parley.agent;

import io.parley.failure.ParleyException;
import io.parley.ops.Problems;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Counts every sign-in before its password is checked (it runs ahead of the account store, then
 * hands over to it) and refuses it with 429 {@code rate_limited} and Retry-After while the account
 * and address, or the address, is locked ({@link SignInLimiter}): a locked sign-in answers the same
 * whether the password was right or not, so guessing goes no further.
 */
@ApplicationScoped
public class SignInGuard implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private final SignInLimiter limiter;

    SignInGuard(SignInLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return 2000; // ahead of quarkus-security-jpa's provider (the default, 1001), which checks the password
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (rc != null) {
            try {
                limiter.attempt(request.getUsername(), limiter.clientAddress(rc));
            } catch (ParleyException limited) {
                return Uni.createFrom().failure(new AuthenticationFailedException(limited));
            }
        }
        return Uni.createFrom().nullItem(); // the next provider checks the password
    }

    /** Ahead of Quarkus's own handler of failed sign-ins (which would answer a plain 401). */
    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(rc -> {
            for (Throwable t = rc.failure(); t != null; t = t.getCause()) {
                if (t instanceof ParleyException p && !rc.response().ended()) {
                    Problems.send(rc.response(), p);
                    return;
                }
            }
            rc.next();
        });
    }
}
