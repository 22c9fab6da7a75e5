package io.parley.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "parley.agents")
public interface AgentConfig {

    /** The first admin, created on the first start when no account exists. */
    @WithDefault("admin")
    String adminUsername();

    /**
     * Its password (PARLEY_AGENTS_ADMIN_PASSWORD). When not set, a random one is generated and written
     * to {@link #initialPasswordFile()} (readable by the owner only), never to the log.
     */
    Optional<String> adminPassword();

    @WithDefault("data/admin-password.txt")
    String initialPasswordFile();

    /** An agent counts as online while their console has been connected within this time. */
    @WithDefault("90s")
    Duration onlineWithin();

    /**
     * How long an instance trusts what it read of an account's sessions: a sign-out, a password change
     * or a disabled account ends its sessions (and closes its consoles' sockets) on every instance
     * within this time.
     */
    @WithDefault("2s")
    Duration sessionCheck();

    SignIn signIn();

    /** Sign-in attempts (SignInLimiter): over a limit the sign-in answers 429 rate_limited with Retry-After. */
    interface SignIn {
        /** Attempts per account from one address within {@link #window()}. */
        @WithDefault("5")
        int failuresPerAccount();

        /** Attempts from one address over all accounts within {@link #window()}. */
        @WithDefault("20")
        int failuresPerAddress();

        @WithDefault("15m")
        Duration window();

        /** The first lockout; each next one doubles, up to {@link #maxLockout()}. */
        @WithDefault("1m")
        Duration lockout();

        @WithDefault("15m")
        Duration maxLockout();

        /** Accounts and addresses tracked at once (a bounded memory whatever is sent). */
        @WithDefault("100000")
        long maxTracked();
    }
}
