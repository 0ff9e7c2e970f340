package dev.lifeguard.notify.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.lifeguard.notify.channel.ChannelUrl;
import dev.lifeguard.notify.channel.ChannelUrlGuard;
import dev.lifeguard.notify.config.NotifyConfig;
import dev.lifeguard.support.net.OutboundUrlGuard;
import dev.lifeguard.support.net.PinnedHttpClient;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Channel deliveries with the SSRF guard switched on (private networks not allowed, as production runs it) and DNS
 * answers from a resolver the test controls; and, in local mode, proof that the POST goes to the address the guard
 * vetted (a name only the test's resolver knows reaches WireMock). A Quarkus test for the fault-tolerance runtime
 * the client's per-host guards need; the client under test is built here with the test's own URL guard.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class GuardedChannelDeliveryTest {

    @Inject
    Vertx vertx;

    private PinnedHttpClient pinned;
    private final List<WireMockServer> servers = new ArrayList<>();

    @BeforeEach
    void createClient() {
        pinned = new PinnedHttpClient(vertx);
    }

    @AfterEach
    void stopServers() {
        servers.forEach(WireMockServer::stop);
        pinned.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1            | loopback
            10.1.2.3             | private (10.0.0.0/8)
            172.16.0.9           | private (172.16.0.0/12)
            192.168.0.9          | private (192.168.0.0/16)
            169.254.10.1         | link-local
            100.64.0.1           | CGNAT
            198.18.0.1           | benchmarking (198.18.0.0/15)
            240.0.0.1            | reserved (240.0.0.0/4
            0.0.0.0              | this network
            224.0.0.1            | multicast
            fd00::1              | unique-local (fc00::/7)
            fe80::1              | link-local (fe80::/10)
            ::10.1.2.3           | IPv4-compatible
            64:ff9b::a01:203     | NAT64 address carrying 10.1.2.3
            2002:a01:203::1      | 6to4 address carrying 10.1.2.3
            169.254.169.254      | cloud metadata
            """)
    void aChannelUrlResolvingToANonPublicAddressIsRefusedWithoutACall(String address, String reason) {
        ChannelHttpClient http = client(new ChannelUrlGuard(false, host -> new InetAddress[] {
                InetAddress.getByName("34.195.44.1"), InetAddress.getByName(address)}));

        HttpOutcome outcome = http.post(url("https://hooks.example.test/services/T000/SECRET"), "{}", Map.of());

        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.retryable()).isFalse();
        assertThat(outcome.error()).startsWith("channel URL refused: host 'hooks.example.test' resolves to")
                .contains(reason)
                .doesNotContain("SECRET");
    }

    @Test
    void plainHttpIsRefusedOutsideLocalMode() {
        ChannelHttpClient http = client(new ChannelUrlGuard(false, host -> new InetAddress[] {
                InetAddress.getByName("34.195.44.1")}));

        HttpOutcome outcome = http.post(url("http://hooks.example.test/services/T000/SECRET"), "{}", Map.of());

        assertThat(outcome.retryable()).isFalse();
        assertThat(outcome.error()).contains("must use https").doesNotContain("SECRET");
    }

    @Test
    void aHostThatDoesNotResolveNowIsRetriedLater() {
        ChannelHttpClient http = client(new ChannelUrlGuard(false, GuardedChannelDeliveryTest::unknown));

        HttpOutcome outcome = http.post(url("https://gone.example.test/services/T000/SECRET"), "{}", Map.of());

        assertThat(outcome.retryable()).isTrue();
        assertThat(outcome.error()).contains("does not resolve").doesNotContain("SECRET");
    }

    @Test
    void cloudMetadataIsRefusedEvenInLocalMode() {
        WireMockServer hooks = server();
        ChannelHttpClient http = client(new ChannelUrlGuard(true, host -> new InetAddress[] {
                InetAddress.getByName("169.254.169.254")}));

        HttpOutcome outcome = http.post(url("http://metadata.example.test:" + hooks.port() + "/latest"), "{}",
                Map.of());

        assertThat(outcome.retryable()).isFalse();
        assertThat(outcome.error()).contains("cloud metadata");
    }

    @Test
    void thePostGoesToTheVettedAddressUnderTheUrlsHostResolvingOnce() {
        WireMockServer hooks = server();
        hooks.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        AtomicInteger lookups = new AtomicInteger();
        // rebinding: only the first answer of each check is loopback; a second lookup would get an unreachable one
        ChannelHttpClient http = client(new ChannelUrlGuard(true, host -> lookups.incrementAndGet() % 2 == 1
                ? new InetAddress[] {InetAddress.getByName("127.0.0.1")}
                : new InetAddress[] {InetAddress.getByName("192.0.2.1")}));

        HttpOutcome outcome = http.post(url("http://hooks.example.test:" + hooks.port() + "/services/T000/SECRET"),
                "{\"text\":\"hi\"}", Map.of("Idempotency-Key", "d-1"));

        assertThat(outcome.delivered()).isTrue();
        assertThat(lookups).hasValue(1);
        hooks.verify(postRequestedFor(urlEqualTo("/services/T000/SECRET"))
                .withHeader("Host", equalTo("hooks.example.test:" + hooks.port()))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Idempotency-Key", equalTo("d-1")));
    }

    @Test
    void aRedirectIsNotFollowed() {
        WireMockServer elsewhere = server();
        WireMockServer hooks = server();
        hooks.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(302)
                .withHeader("Location", elsewhere.baseUrl() + "/internal")));
        ChannelHttpClient http = client(new ChannelUrlGuard(true, host -> new InetAddress[] {
                InetAddress.getByName("127.0.0.1")}));

        HttpOutcome outcome = http.post(url("http://hooks.example.test:" + hooks.port() + "/hook"), "{}", Map.of());

        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.status()).isEqualTo(302);
        assertThat(elsewhere.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    private static ChannelUrl url(String url) {
        return new ChannelUrl(URI.create(url));
    }

    private ChannelHttpClient client(ChannelUrlGuard guard) {
        return new ChannelHttpClient(new DeliveryConfig(), guard, pinned);
    }

    private static InetAddress[] unknown(String host) throws UnknownHostException {
        throw new UnknownHostException(host);
    }

    private WireMockServer server() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        servers.add(server);
        return server;
    }

    /** The %test delivery settings that matter here: a 5 s timeout, a breaker that stays closed. */
    private record DeliveryConfig() implements NotifyConfig.Delivery {

        @Override
        public Duration pollInterval() {
            return Duration.ofSeconds(1);
        }

        @Override
        public int batchSize() {
            return 10;
        }

        @Override
        public int maxAttempts() {
            return 3;
        }

        @Override
        public Duration backoffBase() {
            return Duration.ofMillis(200);
        }

        @Override
        public Duration backoffMax() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration retryAfterMax() {
            return Duration.ofHours(1);
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration lease() {
            return Duration.ofMinutes(1);
        }

        @Override
        public NotifyConfig.CircuitBreaker circuitBreaker() {
            return new NotifyConfig.CircuitBreaker() {
                @Override
                public int requestVolume() {
                    return 100;
                }

                @Override
                public double failureRatio() {
                    return 1.0;
                }

                @Override
                public Duration delay() {
                    return Duration.ofSeconds(30);
                }
            };
        }
    }
}
