package io.parley.access;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/**
 * Where staff may work from: IP addresses and CIDR ranges (IPv4 and IPv6), one list per area. An area
 * without a list is open to every address (the default: nothing changes until a list is set). The
 * client address is {@code ops.ClientAddress}'s: behind a proxy, only from {@code parley.http.trusted-proxies}.
 * Customer endpoints (the chat page, the widget, {@code /ws/chat}) are never restricted.
 */
@ConfigMapping(prefix = "parley.access")
public interface AccessConfig {

    /** The console's pages ({@code /console/...}) and the sign-in ({@code /j_security_check}). */
    Optional<List<String>> console();

    /** Every agent API call ({@code /api/...}). */
    Optional<List<String>> api();

    /** The agent socket ({@code /ws/agent}): the upgrade is refused with 403. */
    Optional<List<String>> agentSocket();

    /** API calls only admins may make (account management, intents, dashboard, audit, compliance), on top of {@link #api()}. */
    Optional<List<String>> admin();
}
