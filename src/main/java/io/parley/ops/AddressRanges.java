package io.parley.ops;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/** A list of IP addresses and CIDR ranges, IPv4 and IPv6 ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code ::1}). */
public final class AddressRanges {

    private final List<IpSubnetFilterRule> rules;

    private AddressRanges(List<IpSubnetFilterRule> rules) {
        this.rules = rules;
    }

    /**
     * @param key   the setting the list comes from, named in the error for a bad entry
     * @param specs the entries; blank ones are skipped
     */
    public static AddressRanges parse(String key, List<String> specs) {
        return new AddressRanges(specs.stream().map(String::strip).filter(s -> !s.isEmpty()).map(s -> rule(key, s)).toList());
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Whether an address (as text) lies in one of the ranges; anything that is not an address lies in none. */
    public boolean contains(String address) {
        if (address == null) {
            return false;
        }
        String a = address.strip();
        int zone = a.indexOf('%');
        if (zone > 0) {
            a = a.substring(0, zone);
        }
        InetAddress ip = NetUtil.isValidIpV4Address(a) || NetUtil.isValidIpV6Address(a) ? NetUtil.createInetAddressFromIpAddressString(a) : null;
        if (ip == null) {
            return false;
        }
        InetSocketAddress socket = new InetSocketAddress(ip, 0);
        return rules.stream().anyMatch(rule -> rule.matches(socket));
    }

    private static IpSubnetFilterRule rule(String key, String spec) {
        int slash = spec.indexOf('/');
        String ip = slash < 0 ? spec : spec.substring(0, slash);
        boolean v4 = NetUtil.isValidIpV4Address(ip);
        if (!v4 && !NetUtil.isValidIpV6Address(ip)) {
            throw new IllegalArgumentException(key + ": \"" + spec + "\" is not an IP address or CIDR");
        }
        int max = v4 ? 32 : 128;
        int bits;
        try {
            bits = slash < 0 ? max : Integer.parseInt(spec.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException(key + ": \"" + spec + "\" has a prefix length outside 0-" + max);
        }
        return new IpSubnetFilterRule(ip, bits, IpFilterRuleType.ACCEPT);
    }
}
