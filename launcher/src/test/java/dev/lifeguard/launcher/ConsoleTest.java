package dev.lifeguard.launcher;

import dev.lifeguard.launcher.platform.ComponentStatus;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleTest {

    @Test
    void statusIsATableOfComponentPidPortAndState() {
        String table = Console.statusTable(List.of(
                new ComponentStatus("kafka", OptionalLong.of(4242), 9092, ComponentStatus.State.HEALTHY),
                new ComponentStatus("deploy-service", OptionalLong.of(77), 8081, ComponentStatus.State.RUNNING),
                new ComponentStatus("notify-service", OptionalLong.empty(), 8084, ComponentStatus.State.STOPPED)));

        assertThat(table.split("\n")).containsExactly(
                "COMPONENT            PID      PORT   STATE",
                "kafka                4242     9092   healthy",
                "deploy-service       77       8081   running",
                "notify-service       -        8084   stopped");
    }

    @Test
    void urlsNameRestSwaggerHealthAndMetricsOfEachInstance() {
        PlatformSettings settings = PlatformSettings.defaults(Path.of("/repo"))
                .withServicePort(LifeguardService.NOTIFY, 18084).withInstances(LifeguardService.NOTIFY, 2);

        String urls = Console.urls(settings, settings.instances(LifeguardService.NOTIFY));

        assertThat(urls).contains("localhost:9092")
                .contains("jdbc:postgresql://localhost:5432/")
                .contains("http://localhost:18084/api/v1", "http://localhost:18084/q/swagger-ui",
                        "http://localhost:18084/q/health", "http://localhost:18084/q/metrics")
                .doesNotContain("8081");
        assertThat(urls.lines().filter(line -> line.contains("/api/v1")))
                .containsExactly(
                        "  notify-service       http://localhost:18084/api/v1   http://localhost:18084/q/swagger-ui"
                                + "   http://localhost:18084/q/health   http://localhost:18084/q/metrics",
                        "  notify-service-2     http://localhost:8086/api/v1   http://localhost:8086/q/swagger-ui"
                                + "   http://localhost:8086/q/health   http://localhost:8086/q/metrics");
    }

    @Test
    void infraOptionsArePairsAfterTheCommand() {
        assertThat(Main.options(new String[]{"infra", "--kafka-port", "9092", "--kafka-dir", "/tmp/k"}))
                .containsEntry("--kafka-port", "9092").containsEntry("--kafka-dir", "/tmp/k");
    }
}
