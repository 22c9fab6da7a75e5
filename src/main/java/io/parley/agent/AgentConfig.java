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
}
