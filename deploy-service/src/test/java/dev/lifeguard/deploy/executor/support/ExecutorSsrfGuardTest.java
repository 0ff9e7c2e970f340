package dev.lifeguard.deploy.executor.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import dev.lifeguard.deploy.executor.argocd.ArgoCdConfig;
import dev.lifeguard.deploy.executor.argocd.ArgoCdRollbackExecutor;
import dev.lifeguard.deploy.executor.githubactions.GitHubActionsConfig;
import dev.lifeguard.deploy.executor.githubactions.GitHubActionsRollbackExecutor;
import dev.lifeguard.deploy.executor.webhook.WebhookConfig;
import dev.lifeguard.deploy.executor.webhook.WebhookRollbackExecutor;
import dev.lifeguard.support.net.OutboundUrlGuard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.HTTP;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.MAPPER;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.plan;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The executors' outbound calls with the SSRF guard switched on (private networks not allowed for target URLs, as
 * production runs it) and DNS answers from resolvers the test controls. In local mode, names only these resolvers
 * know reach WireMock: proof that the call went to the vetted address, not to a second lookup.
 */
class ExecutorSsrfGuardTest {

    private static final String ALLOW = "lifeguard.deploy.allow-private-network";
    private static final String SECRET = "whsec-test-secret";

    private static WireMockServer platform;

    @BeforeAll
    static void start() {
        platform = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        platform.start();
    }

    @AfterAll
    static void stop() {
        platform.stop();
    }

    @BeforeEach
    void reset() {
        platform.resetAll();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1         | loopback
            10.1.2.3          | private (10.0.0.0/8)
            172.20.0.1        | private (172.16.0.0/12)
            192.168.10.1      | private (192.168.0.0/16)
            169.254.3.4       | link-local (169.254.0.0/16)
            100.64.1.1        | CGNAT
            198.18.5.5        | benchmarking
            240.1.1.1         | reserved (240.0.0.0/4
            0.0.0.0           | this network
            239.1.1.1         | multicast
            fd12::1           | unique-local
            fe80::2           | link-local (fe80::/10)
            ::10.1.2.3        | IPv4-compatible
            64:ff9b::a01:203  | NAT64 address carrying 10.1.2.3
            2002:a01:203::1   | 6to4 address carrying 10.1.2.3
            169.254.169.254   | cloud metadata
            fd00:ec2::254     | cloud metadata
            """)
    void aWebhookUrlResolvingToANonPublicAddressIsRefusedWhenSavedAndWhenCalled(String address, String reason) {
        WebhookRollbackExecutor executor = webhook(new OutboundUrlGuard(false, ALLOW,
                host -> new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName(address)}));
        ObjectNode target = settings("{\"url\": \"https://hooks.example.test/rollback/SECRETPATH\", \"secret\": \""
                + SECRET + "\"}");

        assertThatThrownBy(() -> executor.validate(target))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo("url"))
                .hasMessageContaining(reason);
        assertThatThrownBy(() -> executor.execute(plan(), target))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("webhook URL refused: host 'hooks.example.test' resolves to")
                .hasMessageContaining(reason)
                .hasMessageNotContaining("SECRETPATH");
    }

    @Test
    void aWebhookUrlMustUseHttpsOutsideLocalMode() {
        WebhookRollbackExecutor executor = webhook(new OutboundUrlGuard(false, ALLOW,
                host -> new InetAddress[] {InetAddress.getByName("93.184.216.34")}));

        assertThatThrownBy(() -> executor.validate(settings("{\"url\": \"http://hooks.example.test/r\", \"secret\": \"s\"}")))
                .hasMessageContaining("must use https");
        assertThatThrownBy(() -> executor.execute(plan(),
                settings("{\"url\": \"http://hooks.example.test/r\", \"secret\": \"s\"}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("must use https");
    }

    @Test
    void aWebhookHostThatStopsResolvingIsRetriedLater() {
        WebhookRollbackExecutor executor = webhook(new OutboundUrlGuard(false, ALLOW, ExecutorSsrfGuardTest::unknown));

        assertThatThrownBy(() -> executor.execute(plan(),
                settings("{\"url\": \"https://gone.example.test/r\", \"secret\": \"s\"}")))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessageContaining("does not resolve");
    }

    @Test
    void cloudMetadataIsRefusedEvenWithPrivateNetworksAllowed() {
        WebhookRollbackExecutor executor = webhook(new OutboundUrlGuard(true, ALLOW,
                host -> new InetAddress[] {InetAddress.getByName("169.254.169.254")}));

        assertThatThrownBy(() -> executor.execute(plan(), settings("{\"url\": \"http://metadata.example.test:"
                + platform.port() + "/latest/meta-data/\", \"secret\": \"s\"}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("cloud metadata");
        assertThat(platform.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aWebhookCallGoesToTheVettedAddressUnderTheUrlsHostAfterOneLookup() {
        platform.stubFor(post("/rollback").willReturn(aResponse().withStatus(200)));
        AtomicInteger lookups = new AtomicInteger();
        // a rebinding resolver: a second lookup in the same call would get an unreachable address
        WebhookRollbackExecutor executor = webhook(new OutboundUrlGuard(true, ALLOW,
                host -> lookups.incrementAndGet() % 2 == 1
                        ? new InetAddress[] {InetAddress.getByName("127.0.0.1")}
                        : new InetAddress[] {InetAddress.getByName("192.0.2.1")}));

        executor.execute(plan(), settings("{\"url\": \"http://hooks.example.test:" + platform.port()
                + "/rollback\", \"secret\": \"" + SECRET + "\"}"));

        assertThat(lookups).hasValue(1);
        platform.verify(postRequestedFor(urlEqualTo("/rollback"))
                .withHeader("Host", equalTo("hooks.example.test:" + platform.port())));
    }

    @Test
    void anArgoCdServerIsPinnedAndMayBePrivateButNeverMetadata() {
        platform.stubFor(get(urlPathEqualTo("/api/v1/applications/checkout")).willReturn(aResponse().withStatus(404)
                .withBody("{\"error\": \"not found\", \"code\": 5, \"message\": \"applications not found\"}")));
        String server = "http://argocd.internal.test:" + platform.port();

        assertThatThrownBy(() -> argo(server, true, loopback()).execute(plan(), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("no such application");
        platform.verify(getRequestedFor(urlPathEqualTo("/api/v1/applications/checkout"))
                .withHeader("Host", equalTo("argocd.internal.test:" + platform.port())));

        assertThatThrownBy(() -> argo(server, true, host -> new InetAddress[] {
                InetAddress.getByName("169.254.169.254")}).execute(plan(), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("Argo CD server URL refused")
                .hasMessageContaining("cloud metadata");
        assertThatThrownBy(() -> argo("https://argocd.internal.test", false, host -> new InetAddress[] {
                InetAddress.getByName("10.0.0.8")}).execute(plan(), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("non-public address 10.0.0.8")
                .hasMessageContaining("lifeguard.deploy.executors.argocd.allow-private-network");
        platform.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void theGitHubApiIsPinnedAndNeverMetadata() {
        platform.stubFor(get(urlPathEqualTo("/repos/acme/checkout/actions/workflows/rollback.yml/runs"))
                .willReturn(aResponse().withStatus(404).withBody("{\"message\": \"Not Found\"}")));
        String api = "http://github.internal.test:" + platform.port();
        String settings = "{\"repository\": \"acme/checkout\", \"workflow\": \"rollback.yml\"}";

        assertThatThrownBy(() -> github(api, loopback()).execute(plan(), settings(settings)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("no such repository or workflow");
        platform.verify(getRequestedFor(urlPathEqualTo("/repos/acme/checkout/actions/workflows/rollback.yml/runs"))
                .withHeader("Host", equalTo("github.internal.test:" + platform.port())));

        assertThatThrownBy(() -> github(api, host -> new InetAddress[] {InetAddress.getByName("fd00:ec2::254")})
                .execute(plan(), settings(settings)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("GitHub API URL refused")
                .hasMessageContaining("cloud metadata");
    }

    private static WebhookRollbackExecutor webhook(OutboundUrlGuard targetGuard) {
        return new WebhookRollbackExecutor(new Webhook(), "/lifeguard/deploy-service", targetGuard, MAPPER,
                Clock.systemUTC(), HTTP, ExecutorSsrfGuardTest::unknown);
    }

    private static ArgoCdRollbackExecutor argo(String url, boolean allowPrivate, OutboundUrlGuard.Resolver resolver) {
        return new ArgoCdRollbackExecutor(new Argo(Optional.of(url), Optional.of("argo-token"), Map.of(),
                Duration.ofSeconds(5), Duration.ofSeconds(5), allowPrivate), MAPPER, HTTP, resolver);
    }

    private static GitHubActionsRollbackExecutor github(String api, OutboundUrlGuard.Resolver resolver) {
        return new GitHubActionsRollbackExecutor(new GitHub(Optional.of("gh-token"), api, "main",
                Duration.ofSeconds(5), Duration.ofSeconds(5), true), MAPPER, HTTP, resolver);
    }

    private static OutboundUrlGuard.Resolver loopback() {
        return host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
    }

    private static InetAddress[] unknown(String host) throws UnknownHostException {
        throw new UnknownHostException(host);
    }

    record Webhook() implements WebhookConfig {

        @Override
        public Optional<String> url() {
            return Optional.empty();
        }

        @Override
        public Optional<String> secret() {
            return Optional.empty();
        }

        @Override
        public boolean allowPrivateNetwork() {
            return true;
        }

        @Override
        public Duration connectTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration requestTimeout() {
            return Duration.ofSeconds(5);
        }
    }

    record Argo(Optional<String> url, Optional<String> token, Map<String, ArgoCdConfig.Server> servers,
                Duration connectTimeout, Duration requestTimeout, boolean allowPrivateNetwork) implements ArgoCdConfig {
    }

    record GitHub(Optional<String> token, String apiBaseUrl, String ref, Duration connectTimeout,
                  Duration requestTimeout, boolean allowPrivateNetwork) implements GitHubActionsConfig {
    }
}
