package io.parley.ops;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "parley.http")
public interface HttpConfig {

    /**
     * Reverse proxies (IP addresses or CIDRs, such as {@code 10.0.0.0/8}) whose {@code X-Forwarded-For}
     * is believed. None by default: the client address is the peer's, and the header is ignored.
     */
    Optional<List<String>> trustedProxies();
}
