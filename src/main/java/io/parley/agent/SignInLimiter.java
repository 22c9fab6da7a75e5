package io.parley.agent;

import io.parley.ops.ClientAddress;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * How many passwords may be tried. Every attempt counts when it starts (so parallel guesses cannot
 * all pass before the first one fails); a right password forgets its account's count from that
 * address. Two limits, each over a window, each locking for a time that doubles per lockout, capped:
 * <ul>
 * <li>per account <em>and</em> address: guessing one account from one address stops after a few
 * tries. It is not per account alone, because then anyone could keep the admin locked out by guessing
 * from anywhere; this way an attacker locks only their own address, and the admin signing in from
 * another address (or from the same one after the capped lockout) gets in.</li>
 * <li>per address, over all accounts: one address cannot spread its guesses over many accounts.</li>
 * </ul>
 * Counts are kept per instance, in a bounded cache: with several instances behind a balancer an
 * attacker gets at most that many times the budget.
 */
@ApplicationScoped
public class SignInLimiter {

    /** One key's attempts in the current window and its lockouts. */
    private static final class Counter {
        private long windowStart;
        private int attempts;
        private long lockedUntil;
        private int lockouts;

        /** Counts an attempt; returns how long to wait when it must not be tried. */
        synchronized long attempt(long now, int limit, AgentConfig.SignIn c) {
            if (now < lockedUntil) {
                return lockedUntil - now;
            }
            if (now - windowStart > c.window().toMillis()) {
                if (now - lockedUntil > c.window().toMillis()) {
                    lockouts = 0; // a quiet window: the next lockout is short again
                }
                windowStart = now;
                attempts = 0;
            }
            if (++attempts <= limit) {
                return 0;
            }
            long lock = Math.min(c.maxLockout().toMillis(), c.lockout().toMillis() << Math.min(lockouts, 20));
            lockouts++;
            lockedUntil = now + lock;
            windowStart = lockedUntil;
            attempts = 0;
            return lock;
        }

        synchronized void forgetOne() {
            attempts = Math.max(0, attempts - 1);
        }
    }

    private final AgentConfig.SignIn config;
    private final ClientAddress clientAddress;
    private final Cache<String, Counter> counters;

    SignInLimiter(AgentConfig config, ClientAddress clientAddress) {
        this.clientAddress = clientAddress;
        this.config = config.signIn();
        this.counters = Caffeine.newBuilder().maximumSize(this.config.maxTracked())
                .expireAfterAccess(this.config.window().plus(this.config.maxLockout())).build();
    }

    /** The address a sign-in comes from (behind trusted proxies, from X-Forwarded-For: see ops.ClientAddress). */
    String clientAddress(RoutingContext rc) {
        return clientAddress.of(rc.request());
    }

    /** Counts a sign-in attempt; throws {@code rate_limited} (with when to retry) when it must not be tried. */
    void attempt(String username, String address) {
        long now = System.currentTimeMillis();
        long wait = Math.max(counter(pair(username, address)).attempt(now, config.failuresPerAccount(), config),
                counter(address).attempt(now, config.failuresPerAddress(), config));
        if (wait > 0) {
            throw new ParleyException(ErrorCode.RATE_LIMITED, "Too many failed sign-ins. Try again in "
                    + minutes(wait) + ".", wait, null);
        }
    }

    /** The right password: this account's failures from this address are forgotten, the address's count keeps the others. */
    void succeeded(String username, String address) {
        counters.invalidate(pair(username, address));
        Optional.ofNullable(counters.getIfPresent(address)).ifPresent(Counter::forgetOne);
    }

    private Counter counter(String key) {
        return counters.get(key, k -> new Counter());
    }

    private static String pair(String username, String address) {
        String u = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        return (u.length() > 64 ? u.substring(0, 64) : u) + "\n" + address;
    }

    private static String minutes(long millis) {
        long seconds = Duration.ofMillis(millis).toSeconds() + 1;
        return seconds < 90 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes";
    }
}
