package io.parley.ops;

import io.netty.util.NetUtil;
import io.quarkus.websockets.next.HandshakeRequest;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * The one rule for "which client is this": the peer address of the connection, or, only when that
 * peer is one of {@code parley.http.trusted-proxies}, the address the proxies recorded in
 * {@code X-Forwarded-For}. The header is read from the right (each proxy appends the address it saw)
 * and the first address that is not a trusted proxy is the client: what a client writes into the
 * header itself stays to the left and is never believed. (Quarkus's own
 * {@code quarkus.http.proxy.*} takes the leftmost entry, which a client can forge through a proxy
 * that appends, and trusts every peer when no proxy is listed; so it is not used.)
 */
@ApplicationScoped
public class ClientAddress {

    private static final String FORWARDED_FOR = "X-Forwarded-For";
    /** Longest address kept (an IPv6 address with a zone fits): forged junk never becomes a long key. */
    private static final int MAX_LENGTH = 64;

    private final AddressRanges trusted;

    ClientAddress(HttpConfig config) {
        trusted = AddressRanges.parse("parley.http.trusted-proxies", config.trustedProxies().orElse(List.of()));
    }

    /** The client of a WebSocket upgrade. */
    public String of(HandshakeRequest request) {
        return of(peerHost(request.remoteAddress()), request.headers(FORWARDED_FOR));
    }

    /** The client of an HTTP request. */
    public String of(HttpServerRequest request) {
        return of(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(), request.headers().getAll(FORWARDED_FOR));
    }

    /**
     * @param peer         the address the connection comes from
     * @param forwardedFor every {@code X-Forwarded-For} header value, in order (null or empty: none)
     */
    public String of(String peer, List<String> forwardedFor) {
        String client = peer == null ? "unknown" : peer;
        if (trusted.isEmpty() || forwardedFor == null || forwardedFor.isEmpty()) {
            return client;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String hop : value.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0 && trusted(client); i--) {
            client = hops.get(i);
        }
        return client.length() > MAX_LENGTH ? client.substring(0, MAX_LENGTH) : client;
    }

    private boolean trusted(String address) {
        return trusted.contains(address); // junk in a header is no address: never a proxy of ours
    }

    /** {@code 127.0.0.1:5432} or {@code [::1]:5432} (or without brackets) to the host part. */
    static String peerHost(String remoteAddress) {
        if (remoteAddress == null) {
            return null;
        }
        String a = remoteAddress.strip();
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end > 0 ? a.substring(1, end) : a;
        }
        int colon = a.lastIndexOf(':');
        if (colon > 0 && a.indexOf(':') == colon) {
            return a.substring(0, colon); // IPv4 host:port
        }
        if (colon > 0 && !NetUtil.isValidIpV6Address(a)) {
            return a.substring(0, colon); // IPv6 written without brackets, port last
        }
        return a;
    }
}
