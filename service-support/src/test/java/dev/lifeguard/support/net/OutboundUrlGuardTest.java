package dev.lifeguard.support.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SSRF guard switched on (private networks not allowed, as production runs it), with DNS answers from a
 * resolver the test controls: one row per refused range, names that resolve to several addresses, https only, and
 * the metadata addresses that stay refused when private networks are allowed.
 */
class OutboundUrlGuardTest {

    private static final String ALLOW_SETTING = "lifeguard.example.allow-private-network";

    /** Names only this resolver knows; each maps to the addresses it answers. */
    private static final Map<String, List<String>> DNS = Map.of(
            "hooks.slack.com", List.of("34.195.44.1"),
            "v6.example.test", List.of("2606:4700::1111"),
            "rebound.example.com", List.of("10.1.2.3"),
            "split.example.test", List.of("34.195.44.1", "10.0.0.7"),
            "split6.example.test", List.of("2606:4700::1111", "fd12:3456::1"),
            "metadata.example.com", List.of("169.254.169.254"),
            "nat64-public.example.test", List.of("64:ff9b::5db8:d822"));

    private final OutboundUrlGuard guard = new OutboundUrlGuard(false, ALLOW_SETTING, OutboundUrlGuardTest::resolve);
    private final OutboundUrlGuard localGuard = new OutboundUrlGuard(true, ALLOW_SETTING, OutboundUrlGuardTest::resolve);

    @ParameterizedTest
    @ValueSource(strings = {
            "https://hooks.slack.com/services/T000/B000/XXXX",
            "https://93.184.216.34:8443/hook",
            "https://[2606:4700::1111]/hook",
            "https://v6.example.test/hook",
            // NAT64 and 6to4 reach the IPv4 address they carry: public when it is public (DNS64 networks)
            "https://[64:ff9b::93.184.216.34]/hook",
            "https://nat64-public.example.test/hook",
            "https://[2002:5db8:d822::1]/hook",
            // Java hands an IPv4-mapped address over as the IPv4 address it carries: here a public one
            "https://[::ffff:93.184.216.34]/hook"})
    void acceptsPublicHttpsTargetsAndReturnsTheVettedAddresses(String url) throws UnknownHostException {
        VettedUrl vetted = guard.check(url);

        assertThat(vetted.uri()).hasToString(url);
        assertThat(vetted.addresses()).isNotEmpty();
        assertThat(vetted.addresses()).allSatisfy(address -> assertThat(AddressRules.judge(address).isPublic()).isTrue());
    }

    @Test
    void theVettedAddressesAreTheResolversAnswer() throws UnknownHostException {
        assertThat(guard.check("https://hooks.slack.com/x").addresses())
                .containsExactly(InetAddress.getByName("34.195.44.1"));
    }

    /** One row per range: the literal address, then a name that resolves to it, both refused with the reason. */
    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1                 | loopback (127.0.0.0/8)
            127.255.0.9               | loopback (127.0.0.0/8)
            ::1                       | loopback (::1)
            0.0.0.0                   | this network (0.0.0.0/8)
            0.1.2.3                   | this network (0.0.0.0/8)
            ::                        | unspecified (::)
            10.0.0.5                  | private (10.0.0.0/8)
            172.16.3.4                | private (172.16.0.0/12)
            172.31.255.254            | private (172.16.0.0/12)
            192.168.1.10              | private (192.168.0.0/16)
            169.254.1.1               | link-local (169.254.0.0/16)
            fe80::1                   | link-local (fe80::/10)
            100.64.0.1                | shared address space / CGNAT (100.64.0.0/10)
            100.127.255.254           | shared address space / CGNAT (100.64.0.0/10)
            198.18.0.1                | benchmarking (198.18.0.0/15)
            198.19.255.254            | benchmarking (198.18.0.0/15)
            240.0.0.1                 | reserved (240.0.0.0/4, incl. broadcast)
            255.255.255.255           | reserved (240.0.0.0/4, incl. broadcast)
            224.0.0.251               | multicast (224.0.0.0/4)
            ff02::1                   | multicast (ff00::/8)
            fc00::1                   | unique-local (fc00::/7)
            fd12:3456::1              | unique-local (fc00::/7)
            fec0::1                   | site-local (fec0::/10)
            192.0.0.170               | IETF protocol assignments (192.0.0.0/24)
            2001::1                   | Teredo (2001::/32)
            64:ff9b:1::a00:1          | local-use NAT64 (64:ff9b:1::/48)
            ::ffff:10.0.0.1           | private (10.0.0.0/8)
            ::ffff:127.0.0.1          | loopback (127.0.0.0/8)
            ::10.0.0.1                | IPv4-compatible address carrying 10.0.0.1, private (10.0.0.0/8)
            ::127.0.0.1               | IPv4-compatible address carrying 127.0.0.1, loopback
            ::93.184.216.34           | IPv4-compatible address (IPv4-compatible forms are refused whatever
            64:ff9b::10.0.0.1         | NAT64 address carrying 10.0.0.1, private (10.0.0.0/8)
            64:ff9b::127.0.0.1        | NAT64 address carrying 127.0.0.1, loopback
            64:ff9b::c612:1           | NAT64 address carrying 198.18.0.1, benchmarking
            2002:a00:1::1             | 6to4 address carrying 10.0.0.1, private (10.0.0.0/8)
            2002:7f00:1::1            | 6to4 address carrying 127.0.0.1, loopback
            2002:a9fe:a9fe::1         | 6to4 address carrying 169.254.169.254, cloud metadata
            169.254.169.254           | cloud metadata (169.254.169.254)
            169.254.170.2             | cloud metadata (AWS ECS task credentials)
            100.100.100.200           | cloud metadata (Alibaba Cloud)
            fd00:ec2::254             | cloud metadata (AWS IPv6)
            """)
    void refusesEveryNonPublicRange(String address, String reason) {
        String literal = address.contains(":") ? "[" + address + "]" : address;
        assertThatThrownBy(() -> guard.check("https://" + literal + "/hook"))
                .isInstanceOf(RejectedUrlException.class)
                .isNotInstanceOf(UnresolvableHostException.class)
                .hasMessageContaining(reason);

        OutboundUrlGuard resolvingToIt = new OutboundUrlGuard(false, ALLOW_SETTING,
                host -> new InetAddress[] {InetAddress.getByName(address)});
        assertThatThrownBy(() -> resolvingToIt.check("https://hooks.example.test/hook"))
                .isInstanceOf(RejectedUrlException.class)
                .hasMessageContaining("host 'hooks.example.test' resolves to")
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            https://split.example.test/hook  | non-public address 10.0.0.7: private (10.0.0.0/8)
            https://split6.example.test/hook | non-public address fd12:3456:0:0:0:0:0:1: unique-local (fc00::/7)
            """)
    void aNameResolvingToOnePublicAndOnePrivateAddressIsRefused(String url, String reason) {
        assertThatThrownBy(() -> guard.check(url))
                .isInstanceOf(RejectedUrlException.class)
                .hasMessageContaining(reason);
    }

    /** Java turns IPv4-mapped answers into IPv4 addresses; one still in the IPv6 form is judged by what it carries. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.1        | IPv4-mapped address carrying 10.0.0.1, private (10.0.0.0/8)
            127.0.0.1       | IPv4-mapped address carrying 127.0.0.1, loopback (127.0.0.0/8)
            198.18.0.1      | IPv4-mapped address carrying 198.18.0.1, benchmarking (198.18.0.0/15)
            169.254.169.254 | IPv4-mapped address carrying 169.254.169.254, cloud metadata
            """)
    void anIpv4MappedAnswerInItsIpv6FormIsJudgedByTheAddressItCarries(String ipv4, String reason) throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName(ipv4).getAddress(), 0, mapped, 12, 4);
        InetAddress answer = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(answer).isInstanceOf(java.net.Inet6Address.class);

        OutboundUrlGuard resolvingToIt = new OutboundUrlGuard(false, ALLOW_SETTING, host -> new InetAddress[] {answer});
        assertThatThrownBy(() -> resolvingToIt.check("https://hooks.example.test/hook"))
                .isInstanceOf(RejectedUrlException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            http://hooks.slack.com/x                  | must use https
            http://93.184.216.34:8080/hook            | must use https
            ftp://hooks.slack.com/x                    | must use https
            file:///etc/passwd                         | must use https
            hooks.slack.com/services/x                 | must use https
            https://user:secret@hooks.slack.com/x     | user info
            https:///path-only                        | name a host
            https://exa mple.com/                     | not a valid URL
            https://unknown.example.com/hook          | does not resolve
            """)
    void refusesTheShapeWithTheReason(String url, String reason) {
        assertThatThrownBy(() -> guard.check(url))
                .isInstanceOf(RejectedUrlException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void httpsIsRequiredOutsideLocalModeOnly() {
        assertThatThrownBy(() -> guard.check("http://hooks.slack.com/x"))
                .hasMessageContaining("must use https")
                .hasMessageContaining(ALLOW_SETTING + "=true");
        assertThat(localGuard.check("http://hooks.slack.com/x").https()).isFalse();
        assertThatThrownBy(() -> localGuard.check("gopher://localhost/hook")).hasMessageContaining("http or https");
    }

    @Test
    void aRefusedPrivateAddressNamesTheSettingThatAllowsIt() {
        assertThatThrownBy(() -> guard.check("https://rebound.example.com/hook"))
                .hasMessageContaining("non-public address 10.1.2.3")
                .hasMessageContaining("set " + ALLOW_SETTING + "=true");
        assertThatThrownBy(() -> new OutboundUrlGuard(false, OutboundUrlGuardTest::resolve).check("https://10.0.0.5/x"))
                .hasMessageNotContaining("set ");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.254.169.254/latest/meta-data/",
            "http://metadata.example.com/latest/meta-data/",
            "http://[fd00:ec2::254]/latest/meta-data/",
            "http://100.100.100.200/latest/meta-data/",
            "http://169.254.170.2/v2/credentials",
            "http://[::ffff:169.254.169.254]/latest/meta-data/",
            "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
            "http://[2002:a9fe:a9fe::1]/latest/meta-data/"})
    void cloudMetadataIsRefusedEvenWhenPrivateNetworksAreAllowed(String url) {
        assertThatThrownBy(() -> localGuard.check(url))
                .isInstanceOf(RejectedUrlException.class)
                .hasMessageContaining("cloud metadata")
                .hasMessageContaining("never calls")
                .hasMessageNotContaining(ALLOW_SETTING);
        assertThatThrownBy(() -> localGuard.validate(url)).hasMessageContaining("cloud metadata");
    }

    @Test
    void allowingPrivateNetworksLetsInternalAddressesThroughAndStillResolvesOnce() throws UnknownHostException {
        assertThat(localGuard.allowsPrivateNetwork()).isTrue();
        assertThat(localGuard.check("http://localhost:8089/hook").addresses())
                .containsExactly(InetAddress.getByName("127.0.0.1"));
        assertThat(localGuard.check("http://10.0.0.5/hook").port()).isEqualTo(80);
        assertThatThrownBy(() -> localGuard.check("https://user:pw@localhost/hook"))
                .isInstanceOf(RejectedUrlException.class);
    }

    @Test
    void validatingAStoredUrlToleratesAHostThatDoesNotResolveYetOnlyInLocalMode() {
        assertThat(localGuard.validate("http://not-up-yet.example.test/hook").getHost())
                .isEqualTo("not-up-yet.example.test");
        assertThatThrownBy(() -> localGuard.check("http://not-up-yet.example.test/hook"))
                .isInstanceOf(UnresolvableHostException.class);
        assertThatThrownBy(() -> guard.validate("https://not-up-yet.example.test/hook"))
                .isInstanceOf(UnresolvableHostException.class);
        assertThatThrownBy(() -> guard.validate("https://rebound.example.com/hook"))
                .hasMessageContaining("non-public address 10.1.2.3");
    }

    @Test
    void aHostThatDoesNotResolveIsRefusedAsSomethingThatMayPass() {
        assertThatThrownBy(() -> guard.check("https://unknown.example.com/hook"))
                .isInstanceOf(UnresolvableHostException.class);
        assertThatThrownBy(() -> guard.check("https://10.0.0.5/hook"))
                .isNotInstanceOf(UnresolvableHostException.class);
    }

    @Test
    void aMissingOrOverlongUrlIsRefused() {
        assertThatThrownBy(() -> guard.check(null)).hasMessageContaining("required");
        assertThatThrownBy(() -> guard.check("  ")).hasMessageContaining("required");
        assertThatThrownBy(() -> guard.check("https://hooks.slack.com/" + "a".repeat(2000)))
                .hasMessageContaining("at most 2000");
    }

    @Test
    void rejectionNeverRepeatsTheSecretPath() {
        assertThatThrownBy(() -> guard.check("https://rebound.example.com/services/SECRET?token=QUERYSECRET"))
                .hasMessageNotContaining("SECRET");
        assertThat(guard.check("https://hooks.slack.com/services/SECRET?token=QUERYSECRET"))
                .hasToString("https://hooks.slack.com");
    }

    @Test
    void originShowsSchemeHostAndPortOnly() {
        assertThat(OutboundUrlGuard.origin(URI.create("https://hooks.slack.com/services/T000/XXXX?x=1")))
                .isEqualTo("https://hooks.slack.com");
        assertThat(OutboundUrlGuard.origin(URI.create("http://localhost:8089/hook/secret")))
                .isEqualTo("http://localhost:8089");
    }

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        if (host.equals("localhost")) {
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        }
        List<String> addresses = DNS.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] resolved = new InetAddress[addresses.size()];
        for (int i = 0; i < resolved.length; i++) {
            resolved[i] = InetAddress.getByName(addresses.get(i));
        }
        return resolved;
    }
}
