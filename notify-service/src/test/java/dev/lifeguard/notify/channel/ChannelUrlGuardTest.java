package dev.lifeguard.notify.channel;

import dev.lifeguard.support.net.RejectedUrlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Channel URLs through the shared SSRF guard (its full rule set is tested in service-support's
 * OutboundUrlGuardTest), as production runs it (private networks not allowed), with DNS answers made up.
 */
class ChannelUrlGuardTest {

    private static final Map<String, String> DNS = Map.of(
            "hooks.slack.com", "34.195.44.1",
            "rebound.example.com", "10.1.2.3");

    private final ChannelUrlGuard guard = new ChannelUrlGuard(false, ChannelUrlGuardTest::resolve);

    @ParameterizedTest
    @ValueSource(strings = {
            "https://hooks.slack.com/services/T000/B000/XXXX",
            "https://93.184.216.34:8443/hook"})
    void acceptsPublicHttpTargets(String url) {
        assertThat(guard.check(url).uri().toString()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ftp://hooks.slack.com/x",
            "http://hooks.slack.com/services/T000/B000/XXXX",
            "https://user:secret@hooks.slack.com/x",
            "https://localhost:8080/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://rebound.example.com/hook"})
    void rejectsWhatTheSharedGuardRejects(String url) {
        assertThatThrownBy(() -> guard.check(url)).isInstanceOf(RejectedUrlException.class);
    }

    @Test
    void aRefusedPrivateAddressNamesNotifysSetting() {
        assertThatThrownBy(() -> guard.check("https://rebound.example.com/hook"))
                .hasMessageContaining("non-public address 10.1.2.3")
                .hasMessageContaining("set lifeguard.notify.allow-private-network=true");
    }

    @Test
    void allowingPrivateNetworksStillChecksTheShapeOfTheUrl() {
        ChannelUrlGuard permissive = new ChannelUrlGuard(true, ChannelUrlGuardTest::resolve);

        assertThat(permissive.check("http://localhost:8089/hook").uri().getPort()).isEqualTo(8089);
        assertThatThrownBy(() -> permissive.check("gopher://localhost/hook"))
                .isInstanceOf(RejectedUrlException.class);
        assertThatThrownBy(() -> permissive.check("http://169.254.169.254/latest/meta-data"))
                .hasMessageContaining("cloud metadata");
    }

    @Test
    void masksEverythingButSchemeAndHost() {
        ChannelUrl url = guard.check("https://hooks.slack.com/services/T000/B000/XXXX?x=1");

        assertThat(url.masked()).isEqualTo("https://hooks.slack.com/***");
        assertThat(url).hasToString("https://hooks.slack.com/***");
        assertThat(url.redact("POST https://hooks.slack.com/services/T000/B000/XXXX?x=1 failed at /services/T000/B000/XXXX"))
                .isEqualTo("POST https://hooks.slack.com/*** failed at /***")
                .doesNotContain("XXXX");
    }

    @Test
    void rejectionNeverRepeatsTheSecretPath() {
        assertThatThrownBy(() -> guard.check("https://rebound.example.com/services/SECRET"))
                .hasMessageNotContaining("SECRET");
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
