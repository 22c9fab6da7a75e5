package io.parley.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What one client may use, so that nobody exhausts connections, the inbox or the model budget for
 * the others. Counted per Parley instance (behind a load balancer each instance counts its own).
 */
@ConfigMapping(prefix = "parley.limits")
public interface LimitsConfig {

    /**
     * Customer messages one conversation may send per minute: a burst of this many, then one every
     * 60 s / this. A person types far fewer; refused messages are not stored and may be sent again.
     */
    @WithDefault("20")
    int messagesPerMinute();

    /** Customer sockets open at once from one client address (a family behind one router has a few tabs each). */
    @WithDefault("20")
    int socketsPerAddress();

    /** New conversations one client address may start per hour (created at their first message). */
    @WithDefault("30")
    int conversationsPerHour();

    /** Model requests one conversation may cost; beyond it the offline engine answers. */
    @WithDefault("60")
    int modelCallsPerConversation();
}
