package dev.lifeguard.launcher.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Recognising a platform's processes by their command line and pid files, without starting any. */
class PlatformTest {

    @TempDir
    Path home;

    @Test
    void processesOfAHomeAreRecognisedByTheirMarkerOnly() {
        PlatformSettings settings = PlatformSettings.defaults(Path.of("/repo")).withHome(home);
        PlatformSettings other = settings.withHome(Path.of(home + "2"));

        List<String> service = List.of("/usr/bin/java", Platform.homeMarker(settings), "-jar", "quarkus-run.jar");

        assertThat(Platform.launchedFrom(settings).test(service)).isTrue();
        assertThat(Platform.launchedFrom(other).test(service)).isFalse();
        assertThat(Platform.launchedFrom(settings).test(List.of("/usr/bin/java", "-jar", "quarkus-run.jar"))).isFalse();
    }

    @Test
    void postgresIsRecognisedByItsDataDirectory() {
        PlatformSettings settings = PlatformSettings.defaults(Path.of("/repo")).withHome(home);
        String dataDirectory = settings.postgresDataDirectory().toString();

        assertThat(Platform.postgresOf(settings).test(List.of("/tmp/embedded-pg/PG-1/bin/postgres", "-D", dataDirectory,
                "-p", "5432"))).isTrue();
        assertThat(Platform.postgresOf(settings).test(List.of("/tmp/embedded-pg/PG-1/bin/postgres", "-D", "/tmp/epg123")))
                .isFalse();
        assertThat(Platform.postgresOf(settings).test(List.of("/bin/bash", dataDirectory))).isFalse();
    }

    @Test
    void nothingRunsInAFreshHome() {
        PlatformSettings settings = PlatformSettings.defaults(Path.of("/repo")).withHome(home).withEphemeralPorts();

        assertThat(Platform.status(settings)).hasSize(7)
                .allSatisfy(row -> assertThat(row.state()).isEqualTo(ComponentStatus.State.STOPPED));
        assertThat(Platform.isRunning(settings)).isFalse();
    }

    @Test
    void statusHasOneRowPerInstanceWithItsPort() {
        PlatformSettings settings = PlatformSettings.defaults(Path.of("/repo")).withHome(home)
                .withInstances(LifeguardService.ROLLBACK, 3).withInstances(LifeguardService.DEPLOY, 2);

        assertThat(Platform.status(settings)).extracting(ComponentStatus::component, ComponentStatus::port)
                .containsExactly(tuple("kafka", 9092), tuple("postgres", 5432),
                        tuple("deploy-service", 8081), tuple("deploy-service-2", 8086),
                        tuple("monitor-service", 8082),
                        tuple("rollback-service", 8083), tuple("rollback-service-2", 8087),
                        tuple("rollback-service-3", 8088),
                        tuple("notify-service", 8084), tuple("postmortem-service", 8085));
    }

    @Test
    void instancesAreFoundByTheirPidFilesWhateverTheSettings() throws IOException {
        PlatformSettings settings = PlatformSettings.defaults(Path.of("/repo")).withHome(home);
        Files.createDirectories(settings.runDirectory());
        for (String file : List.of("deploy-service.pid", "rollback-service-2.pid", "notify-service-9.pid", "infra.pid",
                "infra.ready", "kafka.restart", "billing-service-2.pid", "deploy-service-1.pid", "deploy-service-10.pid",
                "deploy-service-2.log")) {
            Files.writeString(settings.runDirectory().resolve(file), "1\n");
        }

        assertThat(Platform.recordedInstances(settings))
                .containsExactlyInAnyOrder("deploy-service", "rollback-service-2", "notify-service-9");
        assertThat(Platform.liveInstances(settings)).as("pid 1 is not ours").isEmpty();
    }

    @Test
    void theFaultPrimitivesRefuseWhatDoesNotRun() {
        PlatformSettings settings = PlatformSettings.defaults(Path.of("/repo")).withHome(home).withEphemeralPorts();
        Platform platform = Platform.attach(settings, line -> { });

        assertThatThrownBy(() -> platform.kill(settings.instances().get(0)))
                .isInstanceOf(PlatformException.class).hasMessageContaining("deploy-service is not running");
        assertThatThrownBy(platform::restartKafka)
                .isInstanceOf(PlatformException.class).hasMessageContaining("Kafka is not running");
        assertThatThrownBy(platform::freezePostgres)
                .isInstanceOf(PlatformException.class).hasMessageContaining("PostgreSQL is not running");
        platform.thawPostgres();
    }
}
