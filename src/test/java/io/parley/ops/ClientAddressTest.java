package io.parley.ops;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which client a request comes from: the peer, or what trusted proxies recorded, never what a client wrote itself. */
class ClientAddressTest {

    private static ClientAddress trusting(String... proxies) {
        return new ClientAddress(() -> proxies.length == 0 ? Optional.empty() : Optional.of(List.of(proxies)));
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        assertThat(trusting().of("203.0.113.9", List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
    }

    @Test
    void aForgedHeaderFromAPeerThatIsNotATrustedProxyIsIgnored() {
        assertThat(trusting("10.0.0.0/8").of("203.0.113.9", List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
    }

    @Test
    void behindTrustedProxiesTheClientIsTheFirstUntrustedAddressFromTheRight() {
        ClientAddress a = trusting("10.0.0.0/8", "192.0.2.7");
        assertThat(a.of("10.1.2.3", List.of("198.51.100.1"))).isEqualTo("198.51.100.1");
        // the client wrote 1.2.3.4 itself; the proxy appended the address it really came from
        assertThat(a.of("10.1.2.3", List.of("1.2.3.4, 198.51.100.1"))).isEqualTo("198.51.100.1");
        // two proxies of ours, the header given twice
        assertThat(a.of("10.1.2.3", List.of("1.2.3.4, 198.51.100.1", "192.0.2.7"))).isEqualTo("198.51.100.1");
        // only proxies: the leftmost is as far as anyone can tell
        assertThat(a.of("10.1.2.3", List.of("10.9.9.9"))).isEqualTo("10.9.9.9");
        assertThat(a.of("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
        assertThat(a.of("10.1.2.3", List.of("junk-that-is-no-address"))).isEqualTo("junk-that-is-no-address");
    }

    @Test
    void ipv6ProxiesAndPeers() {
        ClientAddress a = trusting("::1", "2001:db8::/32");
        assertThat(a.of("::1", List.of("2001:db8::5, 2a00:1450::1"))).isEqualTo("2a00:1450::1");
        assertThat(ClientAddress.peerHost("127.0.0.1:51234")).isEqualTo("127.0.0.1");
        assertThat(ClientAddress.peerHost("[::1]:51234")).isEqualTo("::1");
        assertThat(ClientAddress.peerHost("0:0:0:0:0:0:0:1:51234")).isEqualTo("0:0:0:0:0:0:0:1");
    }

    @Test
    void aProxyListThatIsNotAddressesIsRefusedAtStart() {
        assertThatThrownBy(() -> trusting("proxy.example")).hasMessageContaining("parley.http.trusted-proxies");
    }
}
