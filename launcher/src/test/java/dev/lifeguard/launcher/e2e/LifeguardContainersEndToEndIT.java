package dev.lifeguard.launcher.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.LocalKeys;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;

/**
 * The same scenario against the official Kafka and PostgreSQL images, for machines with a Docker engine
 * (the production-like setup of docker-compose.yml). Skipped cleanly where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
class LifeguardContainersEndToEndIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.2");

    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:16")
            .withCopyFileToContainer(MountableFile.forHostPath(root().resolve("docker/postgres/init.sql")),
                    "/docker-entrypoint-initdb.d/init.sql");

    @TempDir
    static Path logs;

    private static final List<Process> SERVICES = new ArrayList<>();
    private static PlatformSettings settings;
    private static WireMockServer webhook;

    @BeforeAll
    static void startServices() throws IOException {
        // the keys in the test's own home: the services verify the tokens the scenario signs with them
        settings = PlatformSettings.defaults(root()).withHome(logs).withEphemeralPorts();
        LocalKeys.ensure(settings.keysDirectory());
        for (LifeguardService service : LifeguardService.values()) {
            ProcessBuilder builder = new ProcessBuilder("java", "-jar", settings.serviceApp(service).toString())
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve(service.moduleName() + ".log").toFile());
            builder.environment().putAll(settings.serviceEnvironment(service));
            builder.environment().putAll(Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", KAFKA.getBootstrapServers(),
                    "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + POSTGRES.getHost() + ":"
                            + POSTGRES.getMappedPort(5432) + "/" + service.database()));
            SERVICES.add(builder.start());
        }
        HttpClient http = HttpClient.newHttpClient();
        for (LifeguardService service : LifeguardService.values()) {
            URI ready = URI.create(settings.serviceUrl(service) + "/q/health/ready");
            await(service.moduleName() + " ready").atMost(Duration.ofMinutes(3)).ignoreExceptions().until(() ->
                    http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200);
        }
        webhook = new WireMockServer(wireMockConfig().dynamicPort());
        webhook.start();
    }

    @AfterAll
    static void stopServices() {
        SERVICES.forEach(Process::destroy);
        SERVICES.forEach(process -> await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive()));
        if (webhook != null) {
            webhook.stop();
        }
    }

    @Test
    void badMetricsOfANewVersionRollBackNotifyAndProduceAPostmortem() {
        new FailureScenario(new FailureScenario.Endpoints(
                settings.serviceUrl(LifeguardService.DEPLOY),
                settings.serviceUrl(LifeguardService.MONITOR),
                settings.serviceUrl(LifeguardService.NOTIFY),
                settings.serviceUrl(LifeguardService.POSTMORTEM),
                KAFKA.getBootstrapServers()), Credentials.signedWith(LocalKeys.ensure(settings.keysDirectory())), webhook)
                .runAndVerify();
    }

    private static Path root() {
        return Paths.get(System.getProperty("lifeguard.root", "..")).toAbsolutePath().normalize();
    }
}
