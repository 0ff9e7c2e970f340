package dev.lifeguard.monitor.provider.prometheus;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.lifeguard.monitor.config.PrometheusConfig;
import dev.lifeguard.monitor.provider.PullRequest;
import dev.lifeguard.monitor.provider.PullResult;
import dev.lifeguard.testsupport.PrometheusServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.testsupport.PrometheusServer.sample;
import static org.assertj.core.api.Assertions.assertThat;

/** The prometheus provider against a real Prometheus server fed through remote write. */
class PrometheusProviderTest {

    /** Instant queries look back 5 minutes; every sample stays within the last hour, which Prometheus accepts. */
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final String BY_VERSION =
            "{service=\"{{service}}\",environment=\"{{environment}}\",version=\"{{version}}\"}";

    private static PrometheusServer prometheus;
    private static PrometheusProvider provider;

    @BeforeAll
    static void startPrometheus() {
        prometheus = PrometheusServer.start();
        provider = new PrometheusProvider(config(prometheus.url(), Duration.ofSeconds(5), null));
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void answersTheValueOfTheSingleSeriesAtTheRequestedTime() {
        String metric = uniqueMetric();
        prometheus.write(metric, Map.of("service", "checkout", "environment", "prod", "version", "2.0.0"), List.of(
                sample(NOW.minusSeconds(180), 0.11), sample(NOW.minusSeconds(120), 0.21),
                sample(NOW.minusSeconds(60), 0.34)));

        PullResult atTheSecondSample = provider.pull(request("checkout", "2.0.0", metric + BY_VERSION, NOW.minusSeconds(120)));
        PullResult betweenTheLastTwo = provider.pull(request("checkout", "2.0.0", metric + BY_VERSION, NOW.minusSeconds(90)));

        assertThat(atTheSecondSample.failed()).as(atTheSecondSample.error()).isFalse();
        assertThat(atTheSecondSample.value()).isEqualTo(0.21);
        assertThat(atTheSecondSample.result()).isEqualTo("{__name__=\"" + metric + "\",environment=\"prod\","
                + "service=\"checkout\",version=\"2.0.0\"} 0.21 @" + NOW.minusSeconds(120).getEpochSecond());
        assertThat(betweenTheLastTwo.value()).as("the newest sample at or before the time").isEqualTo(0.21);
    }

    @Test
    void fillsThePlaceholdersSoEachVersionGetsItsOwnValue() {
        String metric = uniqueMetric();
        prometheus.write(metric, Map.of("service", "cart", "environment", "prod", "version", "1.0.0"),
                NOW.minusSeconds(60), 0.02);
        prometheus.write(metric, Map.of("service", "cart", "environment", "prod", "version", "1.1.0"),
                NOW.minusSeconds(60), 0.4);
        String template = "sum(" + metric + BY_VERSION + ")";

        PullResult baseline = provider.pull(request("cart", "1.0.0", template, NOW));
        PullResult canary = provider.pull(request("cart", "1.1.0", template, NOW));

        assertThat(baseline.value()).isEqualTo(0.02);
        assertThat(canary.value()).isEqualTo(0.4);
        assertThat(canary.query()).isEqualTo("sum(" + metric
                + "{service=\"cart\",environment=\"prod\",version=\"1.1.0\"})");
        assertThat(canary.result()).isEqualTo("{} 0.4 @" + NOW.getEpochSecond());
    }

    @Test
    void answersAScalar() {
        String metric = uniqueMetric();
        prometheus.write(metric, Map.of("service", "search", "environment", "prod", "version", "3.0.0"),
                NOW.minusSeconds(30), 840);

        PullResult result = provider.pull(request("search", "3.0.0", "scalar(" + metric + BY_VERSION + ") / 1000", NOW));

        assertThat(result.value()).isEqualTo(0.84);
        assertThat(result.result()).isEqualTo("scalar 0.84 @" + NOW.getEpochSecond());
    }

    @Test
    void anEmptyResultIsAFailure() {
        PullResult result = provider.pull(request("checkout", "2.0.0", uniqueMetric() + BY_VERSION, NOW));

        assertThat(result.failed()).isTrue();
        assertThat(result.value()).isNull();
        assertThat(result.error()).contains("empty result");
    }

    @Test
    void severalSeriesAreAFailureThatSaysToAggregate() {
        String metric = uniqueMetric();
        for (String instance : List.of("a", "b", "c")) {
            prometheus.write(metric, Map.of("service", "pay", "environment", "prod", "version", "5.0.0",
                    "instance", instance), NOW.minusSeconds(60), 1);
        }

        PullResult result = provider.pull(request("pay", "5.0.0", metric + BY_VERSION, NOW));

        assertThat(result.failed()).isTrue();
        assertThat(result.error()).isEqualTo("query returned 3 series; aggregate them (e.g. sum(...))");
    }

    @Test
    void aSyntaxErrorComesBackWithPrometheusOwnExplanation() {
        PullResult result = provider.pull(request("checkout", "2.0.0", "sum(rate(" + uniqueMetric() + "[1m]", NOW));

        assertThat(result.failed()).isTrue();
        assertThat(result.error()).startsWith("Prometheus refused the query (bad_data): ").contains("parse error");
    }

    @Test
    void aRangeVectorIsAFailure() {
        String metric = uniqueMetric();
        prometheus.write(metric, Map.of("service", "checkout", "environment", "prod", "version", "2.0.0"),
                NOW.minusSeconds(30), 1);

        PullResult result = provider.pull(request("checkout", "2.0.0", metric + BY_VERSION + "[5m]", NOW));

        assertThat(result.failed()).isTrue();
        assertThat(result.error()).contains("range vector");
    }

    @Test
    void notANumberIsAFailure() {
        String metric = uniqueMetric();
        prometheus.write(metric, Map.of("service", "checkout", "environment", "prod", "version", "2.0.0"),
                NOW.minusSeconds(60), Double.NaN);

        PullResult storedNaN = provider.pull(request("checkout", "2.0.0", metric + BY_VERSION, NOW));
        PullResult divisionByZero = provider.pull(request("checkout", "2.0.0", "vector(1) / 0", NOW));

        assertThat(storedNaN.failed()).isTrue();
        assertThat(storedNaN.value()).isNull();
        assertThat(storedNaN.error()).isEqualTo("the value is NaN, not a finite number");
        assertThat(divisionByZero.error()).isEqualTo("the value is +Inf, not a finite number");
    }

    @Test
    void aServerThatIsDownIsAFailureWithoutTheCredentialsOfTheUrl() {
        int closedPort = closedPort();
        PrometheusProvider unreachable = new PrometheusProvider(config(
                "http://lifeguard:hunter2@127.0.0.1:" + closedPort, Duration.ofSeconds(5), "s3cret-token"));

        PullResult result = unreachable.pull(request("checkout", "2.0.0", "up", NOW));

        assertThat(result.failed()).isTrue();
        assertThat(result.error()).startsWith("Prometheus at http://127.0.0.1:" + closedPort + " is unreachable")
                .doesNotContain("hunter2").doesNotContain("s3cret-token");
    }

    @Test
    void aServerThatAnswersTooLateIsATimeout() {
        WireMockServer slow = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        slow.start();
        try {
            slow.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(okJson(
                    "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"1\"]}}")
                    .withFixedDelay(5_000)));
            PrometheusProvider impatient = new PrometheusProvider(config(slow.baseUrl(), Duration.ofMillis(300), null));

            PullResult result = impatient.pull(request("checkout", "2.0.0", "up", NOW));

            assertThat(result.failed()).isTrue();
            assertThat(result.error()).isEqualTo("Prometheus at " + slow.baseUrl() + " did not answer within 300 ms");
        } finally {
            slow.stop();
        }
    }

    @Test
    void sendsTheBearerTokenAndTheEvaluationTime() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        try {
            server.stubFor(get(urlPathEqualTo("/prom/api/v1/query")).willReturn(aResponse().withStatus(401)
                    .withBody("unauthorized")));
            PrometheusProvider withToken = new PrometheusProvider(config(server.baseUrl() + "/prom/",
                    Duration.ofSeconds(5), "s3cret-token"));

            PullResult result = withToken.pull(request("checkout", "2.0.0", "up{service=\"{{service}}\"}",
                    Instant.ofEpochMilli(1_764_151_260_500L)));

            server.verify(getRequestedFor(urlPathEqualTo("/prom/api/v1/query"))
                    .withHeader("Authorization", equalTo("Bearer s3cret-token"))
                    .withQueryParam("query", equalTo("up{service=\"checkout\"}"))
                    .withQueryParam("time", equalTo("1764151260.5")));
            assertThat(result.error()).isEqualTo("HTTP 401 from Prometheus at " + server.baseUrl()
                    + "/prom without a Prometheus answer");
        } finally {
            server.stop();
        }
    }

    private static PullRequest request(String service, String version, String template, Instant at) {
        return new PullRequest(service, "prod", version, "error_rate", template, at);
    }

    /** Series of different tests never meet: each test has metrics of its own. */
    private static String uniqueMetric() {
        return "lifeguard_test_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static PrometheusConfig config(String url, Duration timeout, String bearerToken) {
        return new PrometheusConfig() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public Duration timeout() {
                return timeout;
            }

            @Override
            public Optional<String> bearerToken() {
                return Optional.ofNullable(bearerToken);
            }
        };
    }
}
