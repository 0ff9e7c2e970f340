package dev.lifeguard.reliability;

import dev.lifeguard.launcher.platform.ComponentStatus;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.reliability.verify.Check;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault-injection suite against the packaged services, started as {@code ./lifeguard up} starts them (two
 * deploy-service, two monitor-service and two rollback-service instances; monitor-service judging with
 * {@link dev.lifeguard.reliability.workload.Target#ANALYSIS_SPEC}) on free ports in a temporary home. 100
 * deployments, half of them failing, go through Kafka and REST while instances are killed with kill -9, PostgreSQL
 * is frozen, the broker restarts and malformed records arrive on every consumed topic; then every check of the
 * result table must pass.
 */
class ReliabilityIT {

    /**
     * Short enough for ./mvnw verify (a passing run converges within 40 s of the last restart; the bound only
     * matters when something is lost); ./lifeguard chaos --minutes N runs the same engine for longer.
     */
    static final ChaosOptions OPTIONS = new ChaosOptions(Duration.ofSeconds(90), ChaosOptions.MIN_TARGETS,
            Duration.ofSeconds(5), ChaosOptions.MAX_DOWN, Duration.ofSeconds(10), 3, Duration.ofSeconds(90),
            Duration.ofSeconds(120));

    @TempDir
    static Path home;

    private static Platform platform;

    @BeforeAll
    static void startPlatform() {
        Path root = Paths.get(System.getProperty("lifeguard.root", "..")).toAbsolutePath().normalize();
        platform = Platform.start(Main.settings(root, home), System.out::println).stopOnJvmExit();
    }

    @AfterAll
    static void stopPlatform() throws IOException {
        if (platform != null) {
            platform.stop();
            keepLogs(platform.settings().logsDirectory());
            assertThat(Platform.status(platform.settings()))
                    .as("no process of the platform is left")
                    .allSatisfy(component -> assertThat(component.state()).isEqualTo(ComponentStatus.State.STOPPED));
        }
    }

    /** The temporary home goes away with the test; the instances' logs are what explains a failed check. */
    private static void keepLogs(Path logs) throws IOException {
        Path kept = Paths.get("target", "reliability-it-logs").toAbsolutePath();
        Files.createDirectories(kept);
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.toList()) {
                Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("instance logs kept in " + kept);
    }

    @Test
    void nothingAcknowledgedIsLostAndNothingHappensTwiceUnderFaults() {
        ChaosRun.Report report = new ChaosRun(platform, OPTIONS, System.out).run();
        System.out.println(report.text());

        assertThat(report.verification().checks()).as(report.text()).hasSizeGreaterThan(20)
                .filteredOn(Check::failed).isEmpty();
        assertThat(report.counts().targets()).isGreaterThanOrEqualTo(100);
        assertThat(report.counts().stableReported() + report.counts().ciAcked() + report.counts().samplesAcked())
                .as("inputs acknowledged").isGreaterThanOrEqualTo(600);
    }
}
