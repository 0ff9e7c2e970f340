package dev.lifeguard.support.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SSRF guard as production runs it (private networks not allowed), with DNS answers made up. */
class OutboundUrlGuardTest {

    private static final String ALLOW_SETTING = "lifeguard.example.allow-private-network";

    private static final Map<String, String> DNS = Map.of(
            "hooks.slack.com", "34.195.44.1",
            "rebound.example.com", "10.1.2.3",
            "metadata.example.com", "169.254.169.254",
            "v6-internal.example.com", "fd12:3456::1");

    private final OutboundUrlGuard guard = new OutboundUrlGuard(false, ALLOW_SETTING, OutboundUrlGuardTest::resolve);

    @ParameterizedTest
    @ValueSource(strings = {
            "https://hooks.slack.com/services/T000/B000/XXXX",
            "http://93.184.216.34:8080/hook",
            "https://[2606:4700::1111]/hook"})
    void acceptsPublicHttpTargets(String url) {
        assertThat(guard.check(url)).hasToString(url);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ftp://hooks.slack.com/x                   | http or https
            file:///etc/passwd                         | http or https
            hooks.slack.com/services/x                 | http or https
            https://user:secret@hooks.slack.com/x      | user info
            http:///path-only                          | name a host
            http://exa mple.com/                       | not a valid URL
            http://127.0.0.1/hook                      | non-public address 127.0.0.1
            http://localhost:8080/hook                 | non-public address
            http://[::1]/hook                          | non-public address
            http://0.0.0.0/hook                        | non-public address
            http://10.0.0.5/hook                       | non-public address
            http://172.16.3.4/hook                     | non-public address
            http://192.168.1.10/hook                   | non-public address
            http://100.64.0.1/hook                     | non-public address
            http://169.254.169.254/latest/meta-data    | non-public address
            http://[fe80::1]/hook                      | non-public address
            http://224.0.0.251/hook                    | non-public address
            http://255.255.255.255/hook                | non-public address
            http://rebound.example.com/hook            | non-public address 10.1.2.3
            http://metadata.example.com/hook           | non-public address 169.254.169.254
            http://v6-internal.example.com/hook        | non-public address
            http://unknown.example.com/hook            | does not resolve
            """)
    void rejectsWithTheReason(String url, String reason) {
        assertThatThrownBy(() -> guard.check(url))
                .isInstanceOf(RejectedUrlException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void aRefusedPrivateAddressNamesTheSettingThatAllowsIt() {
        assertThatThrownBy(() -> guard.check("http://10.0.0.5/hook"))
                .hasMessageContaining("set " + ALLOW_SETTING + "=true");
        assertThatThrownBy(() -> new OutboundUrlGuard(false, OutboundUrlGuardTest::resolve).check("http://10.0.0.5/x"))
                .hasMessageNotContaining("set ");
    }

    @Test
    void aHostThatDoesNotResolveIsRefusedAsSomethingThatMayPass() {
        assertThatThrownBy(() -> guard.check("http://unknown.example.com/hook"))
                .isInstanceOf(UnresolvableHostException.class);
        assertThatThrownBy(() -> guard.check("http://10.0.0.5/hook"))
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
    void allowingPrivateNetworksStillChecksTheShapeOfTheUrl() {
        OutboundUrlGuard permissive = new OutboundUrlGuard(true, OutboundUrlGuardTest::resolve);

        assertThat(permissive.allowsPrivateNetwork()).isTrue();
        assertThat(permissive.check("http://localhost:8089/hook").getPort()).isEqualTo(8089);
        assertThat(permissive.check("http://10.0.0.5/hook").getHost()).isEqualTo("10.0.0.5");
        assertThatThrownBy(() -> permissive.check("https://user:pw@localhost/hook"))
                .isInstanceOf(RejectedUrlException.class);
        assertThatThrownBy(() -> permissive.check("gopher://localhost/hook"))
                .isInstanceOf(RejectedUrlException.class);
    }

    @Test
    void rejectionNeverRepeatsTheSecretPath() {
        assertThatThrownBy(() -> guard.check("https://rebound.example.com/services/SECRET?token=QUERYSECRET"))
                .hasMessageNotContaining("SECRET");
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
        String address = DNS.get(host);
        if (address != null) {
            return new InetAddress[] {InetAddress.getByName(address)};
        }
        if (host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return new InetAddress[] {InetAddress.getByName(host)};
        }
        throw new UnknownHostException(host);
    }
}
