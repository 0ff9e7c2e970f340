package dev.lifeguard.launcher.platform;

import dev.lifeguard.launcher.auth.LocalKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import static org.assertj.core.api.Assertions.tuple;

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
            "LIFEGUARD_INSTANCES, 'deploy=2,billing=2'",
            "LIFEGUARD_INSTANCE_PORT_BASE, port",
    })
    void unusableValuesAreRejectedNamingTheVariable(String variable, String value) {
        assertThatThrownBy(() -> PlatformSettings.fromEnvironment(Map.of(variable, value), ROOT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(variable);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''                         | deploy-service:8081, monitor-service:8082, rollback-service:8083, notify-service:8084, postmortem-service:8085",
            "rollback=2,deploy=2        | deploy-service:8081, deploy-service-2:8086, monitor-service:8082, rollback-service:8083, rollback-service-2:8087, notify-service:8084, postmortem-service:8085",
            "' monitor = 3  notify=1 '  | deploy-service:8081, monitor-service:8082, monitor-service-2:8086, monitor-service-3:8087, rollback-service:8083, notify-service:8084, postmortem-service:8085",
            "POSTMORTEM-SERVICE=2,deploy=9 | deploy-service:8081, deploy-service-2:8086, deploy-service-3:8087, deploy-service-4:8088, deploy-service-5:8089, deploy-service-6:8090, deploy-service-7:8091, deploy-service-8:8092, deploy-service-9:8093, monitor-service:8082, rollback-service:8083, notify-service:8084, postmortem-service:8085, postmortem-service-2:8094",
    })
    void instancesAreNamedAndGetConsecutivePortsInServiceThenInstanceOrder(String instances, String expected) {
        PlatformSettings settings = PlatformSettings.fromEnvironment(Map.of("LIFEGUARD_INSTANCES", instances), ROOT);

        assertThat(settings.instances()).extracting(instance -> instance.componentName() + ":" + instance.port())
                .containsExactly(expected.split(",\\s*"));
    }

    @Test
    void extraInstancePortsStartAtTheBaseAndFirstInstancesKeepTheirOwnPorts() {
        PlatformSettings settings = PlatformSettings.fromEnvironment(Map.of(
                "LIFEGUARD_INSTANCES", "notify=2,rollback=3",
                "LIFEGUARD_INSTANCE_PORT_BASE", "9100",
                "LIFEGUARD_ROLLBACK_PORT", "18083"), ROOT);

        assertThat(settings.instances(LifeguardService.ROLLBACK))
                .extracting(ServiceInstance::componentName, ServiceInstance::port, ServiceInstance::url)
                .containsExactly(
                        tuple("rollback-service", 18083, "http://localhost:18083"),
                        tuple("rollback-service-2", 9100, "http://localhost:9100"),
                        tuple("rollback-service-3", 9101, "http://localhost:9101"));
        assertThat(settings.instances(LifeguardService.NOTIFY)).extracting(ServiceInstance::port)
                .containsExactly(8084, 9102);
        assertThat(settings.instanceCount(LifeguardService.DEPLOY)).isEqualTo(1);
    }

    @Test
    void onlySelectedServicesHaveInstancesButPortsDoNotDependOnTheSelection() {
        PlatformSettings settings = PlatformSettings.fromEnvironment(Map.of(
                "LIFEGUARD_INSTANCES", "deploy=2,rollback=2",
                "LIFEGUARD_SERVICES", "rollback"), ROOT);

        assertThat(settings.instances()).extracting(ServiceInstance::componentName, ServiceInstance::port)
                .containsExactly(tuple("rollback-service", 8083), tuple("rollback-service-2", 8087));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "rollback                 | 'rollback' is not <service>=<count>",
            "rollback=2=3             | 'rollback=2=3' is not <service>=<count>",
            "billing=2                | unknown service in 'billing=2'",
            "deploy=0                 | the count in 'deploy=0' must be 1-9",
            "deploy=10                | the count in 'deploy=10' must be 1-9",
            "deploy=two               | the count in 'deploy=two' must be 1-9",
            "deploy=                  | the count in 'deploy=' must be 1-9",
            "deploy=2,deploy-service=3 | names deploy-service twice",
    })
    void unusableInstanceCountsAreRejectedNamingTheVariableAndThePart(String instances, String message) {
        assertThatThrownBy(() -> PlatformSettings.fromEnvironment(Map.of("LIFEGUARD_INSTANCES", instances), ROOT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("LIFEGUARD_INSTANCES")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "deploy=2   | 8085  | LIFEGUARD_INSTANCE_PORT_BASE: deploy-service-2 would use port 8085, already used by postmortem-service (LIFEGUARD_POSTMORTEM_PORT)",
            "deploy=2   | 9092  | LIFEGUARD_INSTANCE_PORT_BASE: deploy-service-2 would use port 9092, already used by kafka (LIFEGUARD_KAFKA_PORT)",
            "deploy=3   | 65535 | LIFEGUARD_INSTANCE_PORT_BASE=65535 leaves no room for 2 extra instances",
            "deploy=2   | 0     | LIFEGUARD_INSTANCE_PORT_BASE must be a port number",
    })
    void instancePortsThatCannotWorkAreRejectedNamingTheVariable(String instances, String base, String message) {
        assertThatThrownBy(() -> PlatformSettings.fromEnvironment(Map.of("LIFEGUARD_INSTANCES", instances,
                "LIFEGUARD_INSTANCE_PORT_BASE", base), ROOT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void aServicePortOnAnExtraInstancesPortIsRejectedNamingTheServicesVariable() {
        assertThatThrownBy(() -> PlatformSettings.fromEnvironment(Map.of("LIFEGUARD_INSTANCES", "deploy=2",
                "LIFEGUARD_NOTIFY_PORT", "8086"), ROOT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LIFEGUARD_INSTANCE_PORT_BASE: deploy-service-2 would use port 8086, already used by"
                        + " notify-service (LIFEGUARD_NOTIFY_PORT)");
    }

    @Test
    void everyInstanceRunsWithItsComponentNameAsInstanceIdAndItsOwnPort() {
        PlatformSettings settings = PlatformSettings.defaults(ROOT).withInstances(LifeguardService.ROLLBACK, 2)
                // a setting for every service process cannot give two instances one identity
                .withServiceEnvironment(Map.of("LIFEGUARD_INSTANCE_ID", "shared", "LIFEGUARD_X", "y"));

        List<ServiceInstance> rollback = settings.instances(LifeguardService.ROLLBACK);
        assertThat(settings.serviceEnvironment(rollback.get(0)))
                .containsEntry("LIFEGUARD_INSTANCE_ID", "rollback-service")
                .containsEntry("QUARKUS_HTTP_PORT", "8083")
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:5432/lifeguard_rollback")
                .containsEntry("LIFEGUARD_X", "y");
        assertThat(settings.serviceEnvironment(rollback.get(1)))
                .containsEntry("LIFEGUARD_INSTANCE_ID", "rollback-service-2")
                .containsEntry("QUARKUS_HTTP_PORT", "8086")
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:5432/lifeguard_rollback")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        assertThat(settings.serviceEnvironment(LifeguardService.ROLLBACK))
                .as("a service's environment is its first instance's")
                .isEqualTo(settings.serviceEnvironment(rollback.get(0)));
    }

    @Test
    void everyMonitorInstanceKeepsItsKafkaStreamsStateInItsOwnDirectoryOfTheHome() {
        PlatformSettings settings = PlatformSettings.defaults(ROOT).withHome(Path.of("/tmp/lg"))
                .withInstances(LifeguardService.MONITOR, 2)
                // a setting for every service process cannot give two engines one state directory
                .withServiceEnvironment(Map.of("KAFKA_STREAMS_STATE_DIR", "/tmp/shared"));

        List<ServiceInstance> monitor = settings.instances(LifeguardService.MONITOR);
        assertThat(settings.serviceEnvironment(monitor.get(0)))
                .containsEntry("KAFKA_STREAMS_STATE_DIR", "/tmp/lg/kafka-streams/monitor-service")
                .containsEntry("LIFEGUARD_INSTANCE_ID", "monitor-service")
                .containsEntry("QUARKUS_HTTP_PORT", "8082");
        assertThat(settings.serviceEnvironment(monitor.get(1)))
                .containsEntry("KAFKA_STREAMS_STATE_DIR", "/tmp/lg/kafka-streams/monitor-service-2")
                .containsEntry("LIFEGUARD_INSTANCE_ID", "monitor-service-2")
                .containsEntry("QUARKUS_HTTP_PORT", "8086");
        assertThat(PlatformSettings.defaults(ROOT).serviceEnvironment(LifeguardService.DEPLOY))
                .as("only monitor-service runs a Kafka Streams engine").doesNotContainKey("KAFKA_STREAMS_STATE_DIR");
    }

    @Test
    void instanceCountsOutsideOneToNineAreRejected() {
        PlatformSettings settings = PlatformSettings.defaults(ROOT);

        assertThatThrownBy(() -> settings.withInstances(LifeguardService.DEPLOY, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deploy-service instances must be 1-9");
        assertThatThrownBy(() -> settings.withInstances(LifeguardService.DEPLOY, 10))
                .isInstanceOf(IllegalArgumentException.class);
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
                .containsEntry("LIFEGUARD_DEPLOY_ALLOW_PRIVATE_NETWORK", "true")
                .doesNotContainKey("LIFEGUARD_NOTIFY_ALLOW_PRIVATE_NETWORK");
        assertThat(settings.serviceEnvironment(LifeguardService.NOTIFY))
                .containsEntry("LIFEGUARD_NOTIFY_ALLOW_PRIVATE_NETWORK", "true")
                .doesNotContainKey("LIFEGUARD_DEPLOY_ALLOW_PRIVATE_NETWORK")
                .containsEntry("QUARKUS_HTTP_PORT", "8084");
        assertThat(settings.serviceEnvironment(LifeguardService.MONITOR))
                .doesNotContainKeys("LIFEGUARD_DEPLOY_ALLOW_PRIVATE_NETWORK", "LIFEGUARD_NOTIFY_ALLOW_PRIVATE_NETWORK");
    }

    @Test
    void everyServiceVerifiesTokensWithTheHomesPublicKeyAndSealsSecretsWithItsSecretsKey(@TempDir Path home) {
        PlatformSettings settings = PlatformSettings.defaults(ROOT).withHome(home).withInstances(LifeguardService.ROLLBACK, 2);
        Path publicKey = home.resolve("keys").resolve("jwt-public.pem");

        assertThat(settings.serviceEnvironment(LifeguardService.DEPLOY))
                .containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey.toString())
                .containsEntry("MP_JWT_VERIFY_ISSUER", "lifeguard-local")
                .as("no secrets key before the keys exist").doesNotContainKey("LIFEGUARD_SECRETS_KEY");

        LocalKeys keys = LocalKeys.ensure(settings.keysDirectory());

        for (ServiceInstance instance : settings.instances()) {
            assertThat(settings.serviceEnvironment(instance))
                    .containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", keys.publicKeyFile().toString())
                    .containsEntry("MP_JWT_VERIFY_ISSUER", "lifeguard-local")
                    .containsEntry("LIFEGUARD_SECRETS_KEY", keys.secretsKey());
        }
        assertThat(settings.withServiceEnvironment(Map.of("MP_JWT_VERIFY_ISSUER", "https://sso.example.com"))
                .serviceEnvironment(LifeguardService.DEPLOY)).as("a test or a person may point them elsewhere")
                .containsEntry("MP_JWT_VERIFY_ISSUER", "https://sso.example.com");
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
    void ephemeralPortsGiveEveryInstanceItsOwnFreePort() {
        PlatformSettings settings = PlatformSettings.defaults(ROOT).withInstances(LifeguardService.DEPLOY, 3)
                .withInstances(LifeguardService.NOTIFY, 2).withEphemeralPorts();

        Set<Integer> ports = new HashSet<>(List.of(settings.kafkaPort(), settings.postgresPort()));
        settings.instances().forEach(instance -> ports.add(instance.port()));
        assertThat(settings.instances()).hasSize(8);
        assertThat(ports).hasSize(10).doesNotContain(9092, 5432, 8081, 8086, 8087, 8088);
        assertThat(settings.instances(LifeguardService.DEPLOY)).extracting(ServiceInstance::componentName)
                .containsExactly("deploy-service", "deploy-service-2", "deploy-service-3");
    }

    @Test
    void serviceAppIsTheQuarkusRunJarOfTheModule() {
        assertThat(PlatformSettings.defaults(ROOT).serviceApp(LifeguardService.ROLLBACK))
                .isEqualTo(Path.of("/repo/rollback-service/target/quarkus-app/quarkus-run.jar"));
    }
}
