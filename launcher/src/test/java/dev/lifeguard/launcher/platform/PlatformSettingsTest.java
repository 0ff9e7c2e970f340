package dev.lifeguard.launcher.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlatformSettingsTest {

    private static final Path ROOT = Path.of("/repo");

    @Test
    void defaultsAreTheDocumentedPortsAndHome() {
        PlatformSettings settings = PlatformSettings.fromEnvironment(Map.of(), ROOT);

        assertThat(settings.home()).isEqualTo(Path.of("/repo/.lifeguard"));
        assertThat(settings.kafkaPort()).isEqualTo(9092);
        assertThat(settings.postgresPort()).isEqualTo(5432);
        assertThat(settings.servicePort(LifeguardService.DEPLOY)).isEqualTo(8081);
        assertThat(settings.servicePort(LifeguardService.MONITOR)).isEqualTo(8082);
        assertThat(settings.servicePort(LifeguardService.ROLLBACK)).isEqualTo(8083);
        assertThat(settings.servicePort(LifeguardService.NOTIFY)).isEqualTo(8084);
        assertThat(settings.servicePort(LifeguardService.POSTMORTEM)).isEqualTo(8085);
        assertThat(settings.services()).containsExactlyInAnyOrder(LifeguardService.values());
        assertThat(settings.startTimeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(settings.allowMissingServices()).isFalse();
    }

    @Test
    void environmentVariablesOverrideEverything() {
        Map<String, String> environment = Map.ofEntries(
                Map.entry("LIFEGUARD_HOME", "/tmp/lg"),
                Map.entry("LIFEGUARD_KAFKA_PORT", "19092"),
                Map.entry("LIFEGUARD_POSTGRES_PORT", "15432"),
                Map.entry("LIFEGUARD_DEPLOY_PORT", "18081"),
                Map.entry("LIFEGUARD_MONITOR_PORT", "18082"),
                Map.entry("LIFEGUARD_ROLLBACK_PORT", "18083"),
                Map.entry("LIFEGUARD_NOTIFY_PORT", "18084"),
                Map.entry("LIFEGUARD_POSTMORTEM_PORT", "18085"),
                Map.entry("LIFEGUARD_START_TIMEOUT", "30"),
                Map.entry("LIFEGUARD_STOP_TIMEOUT", "5"),
                Map.entry("LIFEGUARD_JAVA_OPTS", " -Xmx256m  -XX:+UseSerialGC "),
                Map.entry("LIFEGUARD_SERVICES", "deploy, monitor-service"));

        PlatformSettings settings = PlatformSettings.fromEnvironment(environment, ROOT);

        assertThat(settings.home()).isEqualTo(Path.of("/tmp/lg"));
        assertThat(settings.kafkaBootstrapServers()).isEqualTo("localhost:19092");
        assertThat(settings.jdbcUrl(LifeguardService.NOTIFY)).isEqualTo("jdbc:postgresql://localhost:15432/lifeguard_notify");
        assertThat(settings.serviceUrl(LifeguardService.DEPLOY)).isEqualTo("http://localhost:18081");
        assertThat(settings.serviceUrl(LifeguardService.POSTMORTEM)).isEqualTo("http://localhost:18085");
        assertThat(settings.startTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.stopTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.javaOptions()).containsExactly("-Xmx256m", "-XX:+UseSerialGC");
        assertThat(settings.services()).containsExactlyInAnyOrder(LifeguardService.DEPLOY, LifeguardService.MONITOR);
    }

    @Test
    void relativeHomeIsTakenFromTheRepositoryRoot() {
        PlatformSettings settings = PlatformSettings.fromEnvironment(Map.of("LIFEGUARD_HOME", "tmp/state"), ROOT);

        assertThat(settings.home()).isEqualTo(Path.of("/repo/tmp/state"));
        assertThat(settings.logFile("infra")).isEqualTo(Path.of("/repo/tmp/state/logs/infra.log"));
        assertThat(settings.pidFile("deploy-service")).isEqualTo(Path.of("/repo/tmp/state/run/deploy-service.pid"));
        assertThat(settings.postgresDataDirectory()).isEqualTo(Path.of("/repo/tmp/state/postgres"));
    }

    @ParameterizedTest
    @CsvSource({
            "LIFEGUARD_KAFKA_PORT, abc",
            "LIFEGUARD_POSTGRES_PORT, 0",
            "LIFEGUARD_NOTIFY_PORT, 70000",
            "LIFEGUARD_START_TIMEOUT, -3",
            "LIFEGUARD_STOP_TIMEOUT, soon",
            "LIFEGUARD_SERVICES, 'deploy,billing'",
    })
    void unusableValuesAreRejectedNamingTheVariable(String variable, String value) {
        assertThatThrownBy(() -> PlatformSettings.fromEnvironment(Map.of(variable, value), ROOT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(variable);
    }

    @Test
    void serviceEnvironmentWiresKafkaDatabaseAndPort() {
        PlatformSettings settings = PlatformSettings.defaults(ROOT).withKafkaPort(29092)
                .withServiceEnvironment(Map.of("LIFEGUARD_OUTBOX_POLL_INTERVAL", "0.05s"));

        Map<String, String> deploy = settings.serviceEnvironment(LifeguardService.DEPLOY);
        assertThat(deploy).containsEntry("QUARKUS_HTTP_PORT", "8081")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "localhost:29092")
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:5432/lifeguard_deploy")
                .containsEntry("QUARKUS_DATASOURCE_USERNAME", "lifeguard")
                .containsEntry("QUARKUS_DATASOURCE_PASSWORD", "lifeguard")
                .containsEntry("LIFEGUARD_OUTBOX_POLL_INTERVAL", "0.05s")
                .doesNotContainKey("LIFEGUARD_NOTIFY_ALLOW_PRIVATE_NETWORK");
        assertThat(settings.serviceEnvironment(LifeguardService.NOTIFY))
                .containsEntry("LIFEGUARD_NOTIFY_ALLOW_PRIVATE_NETWORK", "true")
                .containsEntry("QUARKUS_HTTP_PORT", "8084");
    }

    @Test
    void ephemeralPortsAreDistinctAndLeaveTheRestAlone() {
        PlatformSettings settings = PlatformSettings.defaults(ROOT).withHome(Path.of("/tmp/it"))
                .withServices(EnumSet.of(LifeguardService.DEPLOY)).withEphemeralPorts();

        Set<Integer> ports = new HashSet<>(List.of(settings.kafkaPort(), settings.postgresPort()));
        ports.addAll(settings.servicePorts().values());
        assertThat(ports).hasSize(7).doesNotContain(9092, 5432, 8081);
        assertThat(settings.home()).isEqualTo(Path.of("/tmp/it"));
        assertThat(settings.services()).containsExactly(LifeguardService.DEPLOY);
    }

    @Test
    void serviceAppIsTheQuarkusRunJarOfTheModule() {
        assertThat(PlatformSettings.defaults(ROOT).serviceApp(LifeguardService.ROLLBACK))
                .isEqualTo(Path.of("/repo/rollback-service/target/quarkus-app/quarkus-run.jar"));
    }
}
