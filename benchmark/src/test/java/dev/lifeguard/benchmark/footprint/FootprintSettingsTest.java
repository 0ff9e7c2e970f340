package dev.lifeguard.benchmark.footprint;

import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.launcher.platform.ServiceInstance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FootprintSettingsTest {

    @Test
    void upsJvmOptionsAndTimeoutsButAllFiveOnceOnFreePortsInTheFootprintHome() {
        Path root = Path.of("/repo");
        Map<String, String> environment = Map.of(
                "LIFEGUARD_JAVA_OPTS", "-XX:TieredStopAtLevel=1  -Xss512k",
                "LIFEGUARD_START_TIMEOUT", "99",
                "LIFEGUARD_STOP_TIMEOUT", "7",
                "LIFEGUARD_HOME", "/somebody/elses/platform",
                "LIFEGUARD_SERVICES", "deploy",
                "LIFEGUARD_INSTANCES", "rollback=2",
                "LIFEGUARD_DEPLOY_PORT", "8091");

        PlatformSettings settings = FootprintBenchmark.settings(root, root.resolve(".lifeguard/footprint"), environment);

        assertThat(settings.javaOptions()).containsExactly("-XX:TieredStopAtLevel=1", "-Xss512k");
        assertThat(settings.startTimeout()).isEqualTo(Duration.ofSeconds(99));
        assertThat(settings.stopTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(settings.home()).isEqualTo(Path.of("/repo/.lifeguard/footprint"));
        assertThat(settings.instances()).extracting(ServiceInstance::service)
                .containsExactly(LifeguardService.values());
        assertThat(settings.allowMissingServices()).isFalse();
        // ephemeral ports come from the kernel's range (32768 and up on Linux), never the configured or default ones
        assertThat(settings.servicePort(LifeguardService.DEPLOY)).isNotIn(8091, 8081);
        assertThat(settings.kafkaPort()).isNotEqualTo(9092);
        assertThat(settings.postgresPort()).isNotEqualTo(5432);
    }
}
