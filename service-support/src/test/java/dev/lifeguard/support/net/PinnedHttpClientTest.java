package dev.lifeguard.support.net;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.StandardConstants;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pinned client against real HTTP(S) servers (WireMock). Names like {@code hooks.example.test} exist only in this
 * test's resolver, so a request that reaches WireMock under such a name can only have gone to the vetted address:
 * no second resolution happened.
 */
class PinnedHttpClientTest {

    private static final String ALLOW_SETTING = "lifeguard.example.allow-private-network";
    private static final Path TLS = Path.of("src/test/resources/tls");
    /** Generous: the first TLS handshake of a JVM (counted in the connect timeout) is slow on a busy machine. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private static Vertx vertx;
    private static PinnedHttpClient http;

    private final List<WireMockServer> servers = new ArrayList<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        http = new PinnedHttpClient(vertx, new PemTrustOptions()
                .addCertPath(TLS.resolve("hooks-example-test.crt.pem").toString()));
    }

    @AfterAll
    static void stopVertx() {
        http.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void stopServers() {
        servers.forEach(WireMockServer::stop);
    }

    @Test
    void aNameOnlyTheGuardsResolverKnowsReachesTheVettedAddressWithItsOwnHostHeader() throws Exception {
        WireMockServer hooks = server();
        hooks.stubFor(post("/hook/secret").willReturn(aResponse().withStatus(202).withHeader("X-Answer", "yes")
                .withBody("taken")));
        OutboundUrlGuard guard = localGuard(host -> host.equals("hooks.example.test")
                ? new InetAddress[] {InetAddress.getByName("127.0.0.1")} : unknown(host));

        PinnedHttpClient.Response response = http.send(guard.check("http://hooks.example.test:" + hooks.port()
                + "/hook/secret"), request("POST", "{\"a\":1}"));

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.header("x-answer")).isEqualTo("yes");
        assertThat(response.bodyText()).isEqualTo("taken");
        hooks.verify(postRequestedFor(urlEqualTo("/hook/secret"))
                .withHeader("Host", equalTo("hooks.example.test:" + hooks.port()))
                .withHeader("Idempotency-Key", equalTo("k-1"))
                .withRequestBody(equalTo("{\"a\":1}")));
    }

    @Test
    void aResolverThatAnswersDifferentlyTheSecondTimeIsNotAskedAgain() throws Exception {
        WireMockServer hooks = server();
        hooks.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        AtomicInteger lookups = new AtomicInteger();
        // DNS rebinding: the first answer passes the check, later answers point elsewhere (here: nowhere reachable)
        OutboundUrlGuard guard = localGuard(host -> lookups.incrementAndGet() == 1
                ? new InetAddress[] {InetAddress.getByName("127.0.0.1")}
                : new InetAddress[] {InetAddress.getByName("192.0.2.1")});

        VettedUrl vetted = guard.check("http://rebind.example.test:" + hooks.port() + "/hook");
        PinnedHttpClient.Response first = http.send(vetted, request("POST", "{}"));
        PinnedHttpClient.Response second = http.send(vetted, request("POST", "{}"));

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(lookups).hasValue(1);
        hooks.verify(2, postRequestedFor(urlEqualTo("/hook"))
                .withHeader("Host", equalTo("rebind.example.test:" + hooks.port())));
    }

    @Test
    void anIpv6LiteralHostIsSentInBrackets() throws Exception {
        WireMockServer hooks = server();
        hooks.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200)));
        // pinned by hand, so the test needs no IPv6 on the machine: the Host header is what is checked
        VettedUrl url = new VettedUrl(java.net.URI.create("http://[2001:db8::1]:" + hooks.port() + "/hook?x=1"),
                List.of(InetAddress.getByName("127.0.0.1")));

        assertThat(http.send(url, request("GET", null)).status()).isEqualTo(200);
        hooks.verify(getRequestedFor(urlEqualTo("/hook?x=1"))
                .withHeader("Host", equalTo("[2001:db8::1]:" + hooks.port())));
    }

    @Test
    void aRedirectIsReturnedNotFollowed() throws Exception {
        WireMockServer elsewhere = server();
        elsewhere.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200)));
        WireMockServer hooks = server();
        hooks.stubFor(get("/hook").willReturn(aResponse().withStatus(302)
                .withHeader("Location", elsewhere.baseUrl() + "/latest/meta-data/")));

        PinnedHttpClient.Response response = http.send(localGuard().check(hooks.baseUrl() + "/hook"),
                request("GET", null));

        assertThat(response.status()).isEqualTo(302);
        assertThat(response.header("Location")).endsWith("/latest/meta-data/");
        hooks.verify(1, getRequestedFor(urlEqualTo("/hook")));
        assertThat(elsewhere.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aLongAnswerIsCutAtTheBound() throws Exception {
        WireMockServer hooks = server();
        hooks.stubFor(get("/big").willReturn(aResponse().withStatus(200).withBody("x".repeat(200_000))));

        PinnedHttpClient.Response response = http.send(localGuard().check(hooks.baseUrl() + "/big"),
                new PinnedHttpClient.Request("GET", Map.of(), null, CONNECT_TIMEOUT, Duration.ofSeconds(5), 1000));

        assertThat(response.body()).hasSize(1000);
        assertThat(response.truncated()).isTrue();
    }

    @Test
    void noAnswerWithinTheTimeoutIsAFailureNamingOnlyTheOrigin() throws Exception {
        WireMockServer slow = server();
        slow.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(5000)));
        VettedUrl url = localGuard().check(slow.baseUrl() + "/hook/SECRET");
        long start = System.nanoTime();

        assertThatThrownBy(() -> http.send(url, new PinnedHttpClient.Request("POST", Map.of(), new byte[0],
                Duration.ofSeconds(2), Duration.ofMillis(300), 1000)))
                .isInstanceOfSatisfying(OutboundCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(OutboundCallException.Kind.TIMEOUT))
                .hasMessage(slow.baseUrl() + ": no answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aRefusedConnectionIsAConnectFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        VettedUrl url = localGuard().check("http://127.0.0.1:" + closedPort + "/hook/SECRET");

        assertThatThrownBy(() -> http.send(url, request("POST", "{}")))
                .isInstanceOfSatisfying(OutboundCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(OutboundCallException.Kind.CONNECT_FAILED))
                .hasMessageContaining("connection refused")
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void httpsIsPinnedWhileSniAndTheCertificateCheckUseTheUrlsHost() throws Exception {
        WireMockServer tls = httpsServer();
        tls.stubFor(get("/hook").willReturn(aResponse().withStatus(200).withBody("over tls")));
        OutboundUrlGuard guard = localGuard(host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")});

        PinnedHttpClient.Response response = http.send(guard.check("https://hooks.example.test:" + tls.httpsPort()
                + "/hook"), request("GET", null));

        assertThat(response.bodyText()).isEqualTo("over tls");
        tls.verify(getRequestedFor(urlEqualTo("/hook"))
                .withHeader("Host", equalTo("hooks.example.test:" + tls.httpsPort())));
    }

    /** A bare TLS server (JDK) that records the SNI name the client sends, then answers 200. */
    @Test
    void theTlsHandshakeNamesTheUrlsHostNotTheVettedAddress() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TLS.resolve("hooks-example-test.p12"))) {
            keys.load(in, "test-only".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "test-only".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        CompletableFuture<String> sniName = new CompletableFuture<>();
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            SSLParameters parameters = server.getSSLParameters();
            parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                @Override
                public boolean matches(SNIServerName name) {
                    sniName.complete(new String(name.getEncoded(), StandardCharsets.US_ASCII));
                    return true;
                }
            }));
            server.setSSLParameters(parameters);
            Thread answering = new Thread(() -> answerOnce(server));
            answering.start();
            OutboundUrlGuard guard = localGuard(host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")});

            PinnedHttpClient.Response response = http.send(guard.check("https://hooks.example.test:"
                    + server.getLocalPort() + "/hook"), request("GET", null));

            assertThat(response.status()).isEqualTo(200);
            assertThat(sniName.getNow("no SNI sent")).isEqualTo("hooks.example.test");
            answering.join();
        }
    }

    private static void answerOnce(SSLServerSocket server) {
        try (Socket socket = server.accept()) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                // the request head; the test's GET has no body worth reading
            }
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void httpsToAVettedAddressServingAnotherHostsCertificateFails() throws Exception {
        WireMockServer tls = httpsServer();
        tls.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200)));
        OutboundUrlGuard guard = localGuard(host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")});
        VettedUrl otherHost = guard.check("https://other.example.test:" + tls.httpsPort() + "/hook");

        assertThatThrownBy(() -> http.send(otherHost, request("GET", null)))
                .isInstanceOfSatisfying(OutboundCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(OutboundCallException.Kind.TLS));
        assertThat(tls.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void anUntrustedCertificateFailsEvenForTheRightHost() throws Exception {
        WireMockServer tls = httpsServer();
        tls.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200)));
        OutboundUrlGuard guard = localGuard(host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")});
        try (PinnedHttpClient defaultTrust = new PinnedHttpClient(vertx)) {
            VettedUrl url = guard.check("https://hooks.example.test:" + tls.httpsPort() + "/hook");

            assertThatThrownBy(() -> defaultTrust.send(url, request("GET", null)))
                    .isInstanceOfSatisfying(OutboundCallException.class,
                            e -> assertThat(e.kind()).isEqualTo(OutboundCallException.Kind.TLS));
        }
    }

    @Test
    void aCallFromAnEventLoopThreadIsRefused() throws Exception {
        WireMockServer hooks = server();
        VettedUrl url = localGuard().check(hooks.baseUrl() + "/hook");
        CompletableFuture<Throwable> refusal = new CompletableFuture<>();

        vertx.runOnContext(ignored -> {
            try {
                http.send(url, request("GET", null));
                refusal.complete(null);
            } catch (Throwable e) {
                refusal.complete(e);
            }
        });

        assertThat(refusal.get()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theHostHeaderCannotBeOverridden() {
        assertThatThrownBy(() -> new PinnedHttpClient.Request("GET", Map.of("host", "evil.example"), null,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static PinnedHttpClient.Request request(String method, String body) {
        return new PinnedHttpClient.Request(method, Map.of("Idempotency-Key", "k-1", "Content-Type", "application/json"),
                body == null ? null : body.getBytes(), CONNECT_TIMEOUT, Duration.ofSeconds(5), 16 * 1024);
    }

    private static OutboundUrlGuard localGuard() {
        return localGuard(InetAddress::getAllByName);
    }

    /** Private networks allowed (WireMock listens on loopback), as {@code ./lifeguard up} runs the services. */
    private static OutboundUrlGuard localGuard(OutboundUrlGuard.Resolver resolver) {
        return new OutboundUrlGuard(true, ALLOW_SETTING, resolver);
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

    private WireMockServer httpsServer() {
        WireMockServer server = new WireMockServer(options().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1")
                .keystorePath(TLS.resolve("hooks-example-test.p12").toString())
                .keystoreType("PKCS12")
                .keystorePassword("test-only")
                .keyManagerPassword("test-only"));
        server.start();
        servers.add(server);
        return server;
    }
}
