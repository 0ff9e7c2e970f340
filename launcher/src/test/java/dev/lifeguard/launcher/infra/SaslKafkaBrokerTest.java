package dev.lifeguard.launcher.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The launcher's broker with a SASL/PLAIN client listener: its users get in, a wrong password does not. */
class SaslKafkaBrokerTest {

    private static final KafkaBroker.SaslUsers USERS =
            new KafkaBroker.SaslUsers("broker", "broker-secret", Map.of("lifeguard", "lifeguard-secret"));

    @TempDir
    static Path logDirectory;

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = KafkaBroker.start(logDirectory, freePort(), new PrintStream(OutputStream.nullOutputStream()), USERS);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aUserWithItsPasswordCreatesAndListsTopics() throws Exception {
        try (Admin admin = Admin.create(settings("lifeguard", "lifeguard-secret"))) {
            admin.createTopics(List.of(new NewTopic("lifeguard.sasl-test", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            // the broker's metadata catches up with the controller's a moment later
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(admin.listTopics().names().get(60, TimeUnit.SECONDS)).contains("lifeguard.sasl-test"));
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        try (Admin admin = Admin.create(settings("lifeguard", "guessed"))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static Map<String, Object> settings(String user, String password) {
        Map<String, Object> settings = new HashMap<>(USERS.clientSettings(user, password));
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return settings;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
