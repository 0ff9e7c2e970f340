package dev.lifeguard.launcher.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.lifeguard.launcher.platform.ComponentStatus;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.file.Paths;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged services started exactly as {@code ./lifeguard up} starts them (real KRaft broker and
 * embedded PostgreSQL in the launcher's infra process, five service processes), on free ports in a
 * temporary home, so it never touches a developer's running platform.
 */
class LifeguardEndToEndIT {

    @TempDir
    static Path home;

    private static Platform platform;
    private static WireMockServer webhook;

    @BeforeAll
    static void startPlatform() {
        Path root = Paths.get(System.getProperty("lifeguard.root", "..")).toAbsolutePath().normalize();
        PlatformSettings settings = PlatformSettings.defaults(root).withHome(home).withEphemeralPorts();
        platform = Platform.start(settings, System.out::println).stopOnJvmExit();
        webhook = new WireMockServer(wireMockConfig().dynamicPort());
        webhook.start();
    }

    @AfterAll
    static void stopPlatform() {
        if (webhook != null) {
            webhook.stop();
        }
        if (platform != null) {
            platform.stop();
            assertThat(Platform.status(platform.settings()))
                    .as("no process of the platform is left")
                    .allSatisfy(component -> assertThat(component.state()).isEqualTo(ComponentStatus.State.STOPPED));
        }
    }

    @Test
    void badMetricsOfANewVersionRollBackNotifyAndProduceAPostmortem() {
        new FailureScenario(new FailureScenario.Endpoints(
                platform.serviceUrl(LifeguardService.DEPLOY),
                platform.serviceUrl(LifeguardService.MONITOR),
                platform.serviceUrl(LifeguardService.NOTIFY),
                platform.serviceUrl(LifeguardService.POSTMORTEM),
                platform.kafkaBootstrapServers()), platform.credentials(), webhook).runAndVerify();
    }
}
