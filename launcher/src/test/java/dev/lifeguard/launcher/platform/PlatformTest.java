package dev.lifeguard.launcher.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Recognising a platform's processes by their command line, without starting any. */
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
}
