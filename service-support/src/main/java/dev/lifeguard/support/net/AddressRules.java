package dev.lifeguard.support.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which addresses Lifeguard may call. Three answers: public; internal (refused unless private networks are allowed
 * for local use); cloud metadata (refused always: its credentials are the prize of an SSRF).
 * <p>
 * IPv6 forms that carry an IPv4 address are judged by what they carry: IPv4-mapped {@code ::ffff:a.b.c.d}, NAT64
 * {@code 64:ff9b::/96} and 6to4 {@code 2002::/16} reach the embedded IPv4 address, so they are internal (or
 * metadata) when it is and public when it is public (Java itself turns a mapped address into the IPv4 one, and DNS64
 * networks hand out NAT64 addresses for every public site). The deprecated IPv4-compatible {@code ::a.b.c.d} is
 * refused whatever it carries: no public name legitimately resolves to one. The local-use NAT64 prefix
 * {@code 64:ff9b:1::/48} and Teredo {@code 2001::/32} are refused outright.
 */
public final class AddressRules {

    /** What an address is, and why, for refusals people can act on. */
    public record Verdict(Kind kind, String reason) {

        public boolean isPublic() {
            return kind == Kind.PUBLIC;
        }
    }

    public enum Kind { PUBLIC, INTERNAL, METADATA }

    private record Range(byte[] prefix, int bits, String name) {

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    /** Instance-credential endpoints of cloud platforms (AWS EC2, ECS and EKS pod identity, Alibaba Cloud). */
    private static final List<Range> METADATA = List.of(
            range("169.254.169.254/32", "cloud metadata (169.254.169.254)"),
            range("169.254.170.2/32", "cloud metadata (AWS ECS task credentials)"),
            range("169.254.170.23/32", "cloud metadata (AWS EKS pod identity)"),
            range("100.100.100.200/32", "cloud metadata (Alibaba Cloud)"),
            range("fd00:ec2::254/128", "cloud metadata (AWS IPv6)"),
            range("fd00:ec2::23/128", "cloud metadata (AWS EKS pod identity, IPv6)"));

    /** Not globally reachable (IANA special-purpose registries), checked in this order. */
    private static final List<Range> INTERNAL = List.of(
            range("0.0.0.0/8", "this network (0.0.0.0/8)"),
            range("10.0.0.0/8", "private (10.0.0.0/8)"),
            range("100.64.0.0/10", "shared address space / CGNAT (100.64.0.0/10)"),
            range("127.0.0.0/8", "loopback (127.0.0.0/8)"),
            range("169.254.0.0/16", "link-local (169.254.0.0/16)"),
            range("172.16.0.0/12", "private (172.16.0.0/12)"),
            range("192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"),
            range("192.0.2.0/24", "documentation (192.0.2.0/24)"),
            range("192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24)"),
            range("192.168.0.0/16", "private (192.168.0.0/16)"),
            range("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
            range("198.51.100.0/24", "documentation (198.51.100.0/24)"),
            range("203.0.113.0/24", "documentation (203.0.113.0/24)"),
            range("224.0.0.0/4", "multicast (224.0.0.0/4)"),
            range("240.0.0.0/4", "reserved (240.0.0.0/4, incl. broadcast)"),
            range("::/128", "unspecified (::)"),
            range("::1/128", "loopback (::1)"),
            range("64:ff9b:1::/48", "local-use NAT64 (64:ff9b:1::/48)"),
            range("100::/64", "discard-only (100::/64)"),
            range("2001::/32", "Teredo (2001::/32)"),
            range("2001:db8::/32", "documentation (2001:db8::/32)"),
            range("fc00::/7", "unique-local (fc00::/7)"),
            range("fe80::/10", "link-local (fe80::/10)"),
            range("fec0::/10", "site-local (fec0::/10)"),
            range("ff00::/8", "multicast (ff00::/8)"));

    private static final Range IPV4_MAPPED = range("::ffff:0:0/96", "IPv4-mapped");
    private static final Range IPV4_COMPATIBLE = range("::/96", "IPv4-compatible");
    private static final Range NAT64 = range("64:ff9b::/96", "NAT64");
    private static final Range SIX_TO_FOUR = range("2002::/16", "6to4");

    private static final Verdict PUBLIC = new Verdict(Kind.PUBLIC, "public");

    private AddressRules() {
    }

    public static Verdict judge(InetAddress address) {
        return judge(address.getAddress());
    }

    /** @param address 4 (IPv4) or 16 (IPv6) bytes */
    public static Verdict judge(byte[] address) {
        for (Range range : METADATA) {
            if (range.contains(address)) {
                return new Verdict(Kind.METADATA, range.name());
            }
        }
        for (Range range : INTERNAL) {
            if (range.contains(address)) {
                return new Verdict(Kind.INTERNAL, range.name());
            }
        }
        if (address.length == 16) {
            if (IPV4_MAPPED.contains(address)) {
                return wrapped(IPV4_MAPPED, embedded(address, 12), false);
            }
            if (IPV4_COMPATIBLE.contains(address)) {
                return wrapped(IPV4_COMPATIBLE, embedded(address, 12), true);
            }
            if (NAT64.contains(address)) {
                return wrapped(NAT64, embedded(address, 12), false);
            }
            if (SIX_TO_FOUR.contains(address)) {
                return wrapped(SIX_TO_FOUR, embedded(address, 2), false);
            }
        }
        return PUBLIC;
    }

    /** Loopback, private, link-local, CGNAT, metadata, ...: anything {@link #judge} does not call public. */
    public static boolean isInternal(InetAddress address) {
        return !judge(address).isPublic();
    }

    private static Verdict wrapped(Range wrapper, byte[] ipv4, boolean refusedWhateverItCarries) {
        Verdict inner = judge(ipv4);
        String carried = text(ipv4);
        if (inner.kind() == Kind.METADATA) {
            return new Verdict(Kind.METADATA, wrapper.name() + " address carrying " + carried + ", " + inner.reason());
        }
        if (inner.kind() == Kind.INTERNAL) {
            return new Verdict(Kind.INTERNAL, wrapper.name() + " address carrying " + carried + ", " + inner.reason());
        }
        if (refusedWhateverItCarries) {
            return new Verdict(Kind.INTERNAL, wrapper.name() + " address (" + wrapper.name() + " forms are refused"
                    + " whatever IPv4 address they carry)");
        }
        return PUBLIC;
    }

    private static byte[] embedded(byte[] address, int from) {
        byte[] ipv4 = new byte[4];
        System.arraycopy(address, from, ipv4, 0, 4);
        return ipv4;
    }

    private static String text(byte[] ipv4) {
        return (ipv4[0] & 0xff) + "." + (ipv4[1] & 0xff) + "." + (ipv4[2] & 0xff) + "." + (ipv4[3] & 0xff);
    }

    /** A CIDR range; IPv6 prefixes are parsed by hand, as Java turns {@code ::ffff:a.b.c.d} into IPv4. */
    private static Range range(String cidr, String name) {
        int slash = cidr.indexOf('/');
        String address = cidr.substring(0, slash);
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        return new Range(address.contains(":") ? ipv6(address) : ipv4(address), bits, name);
    }

    private static byte[] ipv4(String address) {
        try {
            InetAddress parsed = InetAddress.getByName(address); // a literal: no lookup
            if (!(parsed instanceof Inet4Address)) {
                throw new IllegalArgumentException(address);
            }
            return parsed.getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    private static byte[] ipv6(String address) {
        String[] halves = address.split("::", -1);
        String[] head = halves[0].isEmpty() ? new String[0] : halves[0].split(":");
        String[] tail = halves.length < 2 || halves[1].isEmpty() ? new String[0] : halves[1].split(":");
        byte[] bytes = new byte[16];
        for (int i = 0; i < head.length; i++) {
            put(bytes, i, head[i]);
        }
        for (int i = 0; i < tail.length; i++) {
            put(bytes, 8 - tail.length + i, tail[i]);
        }
        return bytes;
    }

    private static void put(byte[] bytes, int group, String hex) {
        int value = Integer.parseInt(hex, 16);
        bytes[group * 2] = (byte) (value >> 8);
        bytes[group * 2 + 1] = (byte) value;
    }
}
