package dev.lifeguard.notify.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.lifeguard.notify.channel.ChannelUrl;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** The guarded POST: per-host circuit breaker and timeout (%test: 2 s; breaker opens after 10 calls at 50 %). */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class ChannelHttpClientTest {

    @Inject
    ChannelHttpClient http;

    private final List<WireMockServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(WireMockServer::stop);
    }

    @Test
    void failingHostOpensItsOwnCircuitOnly() {
        WireMockServer broken = server();
        broken.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(500)));
        WireMockServer healthy = server();
        healthy.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));

        for (int call = 0; call < 10; call++) {
            assertThat(postTo(broken).status()).isEqualTo(500);
        }
        HttpOutcome shortCircuited = postTo(broken);

        assertThat(shortCircuited.status()).isZero();
        assertThat(shortCircuited.retryable()).isTrue();
        assertThat(shortCircuited.error()).contains("circuit breaker open").doesNotContain("/hook/secret");
        assertThat(broken.findAll(postRequestedFor(anyUrl()))).hasSize(10);
        assertThat(postTo(healthy).delivered()).isTrue();
    }

    @Test
    void slowChannelTimesOut() {
        WireMockServer slow = server();
        slow.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(6000)));
        Instant start = Instant.now();

        HttpOutcome outcome = postTo(slow);

        assertThat(outcome.status()).isZero();
        assertThat(outcome.retryable()).isTrue();
        assertThat(outcome.error()).isEqualTo("no response within 2000 ms");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    private HttpOutcome postTo(WireMockServer server) {
        return http.post(new ChannelUrl(URI.create(server.baseUrl() + "/hook/secret")), "{}",
                Map.of("Idempotency-Key", "k-1"));
    }

    private WireMockServer server() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        servers.add(server);
        return server;
    }
}
