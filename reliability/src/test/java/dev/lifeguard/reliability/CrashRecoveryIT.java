package dev.lifeguard.reliability;

import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.platform.ComponentStatus;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.launcher.platform.ServiceInstance;
import dev.lifeguard.reliability.client.Http;
import dev.lifeguard.reliability.client.Kafka;
import dev.lifeguard.reliability.workload.CiEvents;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service killed with {@code kill -9} and restarted as {@code ./lifeguard up} restarts it is back on its
 * partitions within 10 s of being ready: each of its channels is a static member of the consumer group
 * ({@code group.instance.id} from its instance id), so the restarted process takes its dead predecessor's place
 * without waiting for that member's session to expire and without a rebalance.
 */
class CrashRecoveryIT {

    private static final Duration RESUMES_WITHIN = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final String GROUP = "lifeguard-deploy-service";
    /** deploy-service's channels, each a static member named {@code <instance>-<channel>}. */
    private static final List<String> DEPLOY_CHANNELS = List.of("deploy-service-ci", "deploy-service-rollback-requests",
            "deploy-service-analyses", "deploy-service-anomalies");

    @TempDir
    static Path home;

    private static Platform platform;

    @BeforeAll
    static void startDeployServiceAlone() {
        Path root = Paths.get(System.getProperty("lifeguard.root", "..")).toAbsolutePath().normalize();
        PlatformSettings settings = PlatformSettings.defaults(root).withHome(home)
                .withServices(EnumSet.of(LifeguardService.DEPLOY)).withEphemeralPorts();
        platform = Platform.start(settings, System.out::println).stopOnJvmExit();
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.stop();
            assertThat(Platform.status(platform.settings()))
                    .allSatisfy(component -> assertThat(component.state()).isEqualTo(ComponentStatus.State.STOPPED));
        }
    }

    @Test
    void aServiceKilledWithKill9ConsumesAgainWithinTenSecondsOfBeingBack() throws Exception {
        ServiceInstance deploy = platform.instances().get(0);
        Http http = new Http(Duration.ofSeconds(5)).as(platform.credentials().supplier("it", Roles.VIEWER));
        String service = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Kafka.admin(platform.kafkaBootstrapServers());
             KafkaProducer<String, String> ci = Kafka.producer(platform.kafkaBootstrapServers(), "crash-recovery-ci")) {
            await("every channel is a static member named after its instance").atMost(SETTLE).untilAsserted(() ->
                    assertThat(staticMembers(admin))
                            .containsExactlyInAnyOrderElementsOf(DEPLOY_CHANNELS));
            send(ci, service, "1.0.0");
            await("consumed before the crash").atMost(SETTLE).until(() -> runs(http, deploy, service, "1.0.0"));

            platform.kill(deploy);
            long killedAt = System.nanoTime();
            send(ci, service, "2.0.0");
            platform.startMissing();
            long readyAt = System.nanoTime();

            await("consumed again after the restart").atMost(RESUMES_WITHIN)
                    .until(() -> runs(http, deploy, service, "2.0.0"));
            long consumedAt = System.nanoTime();
            System.out.printf("deploy-service: ready %.1f s after kill -9, consuming again %.1f s after ready%n",
                    (readyAt - killedAt) / 1e9, (consumedAt - readyAt) / 1e9);
            assertThat(staticMembers(admin)).as("the restarted process took its own place in the group")
                    .containsExactlyInAnyOrderElementsOf(DEPLOY_CHANNELS);
        }
    }

    private static void send(KafkaProducer<String, String> producer, String service, String version) throws Exception {
        String event = CiEvents.upgraded(service, version, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                Map.of());
        producer.send(new ProducerRecord<>("lifeguard.ci", service + "/production", event)).get(30, TimeUnit.SECONDS);
    }

    private static boolean runs(Http http, ServiceInstance deploy, String service, String version) {
        Optional<Http.Response> response = http.get(deploy.url() + "/api/v1/services/" + service
                + "/environments/production");
        return response.isPresent() && response.get().ok()
                && version.equals(response.get().json().path("currentVersion").asText());
    }

    private static List<String> staticMembers(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP).members()
                .stream().map(MemberDescription::groupInstanceId).flatMap(Optional::stream).toList();
    }
}
