package dev.lifeguard.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.launcher.platform.PlatformSettings;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The parts of the demo that need no running platform. */
class DemoTest {

    @Test
    void serviceNamesAreCheckoutWithFourRandomCharacters() {
        Random random = new Random(42);

        for (int i = 0; i < 50; i++) {
            assertThat(Demo.randomServiceName(random)).matches("checkout-[a-z0-9]{4}");
        }
    }

    @Test
    void theCiEventIsABareCdEventServiceUpgraded() throws Exception {
        Demo demo = new Demo(PlatformSettings.defaults(Path.of("/repo")), new PrintStream(new ByteArrayOutputStream()),
                Duration.ofSeconds(1), "checkout-ab12");

        JsonNode event = new ObjectMapper().readTree(demo.ciEvent("ci-1", "chain-1", "abc1234",
                Instant.parse("2026-11-26T10:00:00.123456Z")));

        assertThat(event.at("/context/type").asText()).isEqualTo("dev.cdevents.service.upgraded.0.3.0");
        assertThat(event.at("/context/specversion").asText()).isEqualTo("0.5.1");
        assertThat(event.at("/context/id").asText()).isEqualTo("ci-1");
        assertThat(event.at("/context/chainId").asText()).isEqualTo("chain-1");
        assertThat(event.at("/context/timestamp").asText()).isEqualTo("2026-11-26T10:00:00.123Z");
        assertThat(event.at("/subject/id").asText()).isEqualTo("checkout-ab12");
        assertThat(event.at("/subject/content/environment/id").asText()).isEqualTo("production");
        assertThat(event.at("/subject/content/artifactId").asText()).isEqualTo("pkg:generic/checkout-ab12@2.0.0");
        assertThat(event.at("/customData/team").asText()).isEqualTo("payments");
        assertThat(event.at("/customData/changeUrl").asText())
                .isEqualTo("https://git.example.com/shop/checkout-ab12/commit/abc1234");
    }

    @Test
    void theTestEvidenceIsABareCdEventTestsuiterunFinishedNamingTheFixesArtifact() throws Exception {
        Demo demo = new Demo(PlatformSettings.defaults(Path.of("/repo")), new PrintStream(new ByteArrayOutputStream()),
                Duration.ofSeconds(1), "checkout-ab12");

        JsonNode event = new ObjectMapper().readTree(demo.testSuiteEvent("ci-tests-1", "chain-2",
                Instant.parse("2026-11-26T11:00:00Z")));

        assertThat(event.at("/context/type").asText()).isEqualTo("dev.cdevents.testsuiterun.finished.0.3.0");
        assertThat(event.at("/context/id").asText()).isEqualTo("ci-tests-1");
        assertThat(event.at("/context/chainId").asText()).isEqualTo("chain-2");
        assertThat(event.at("/subject/id").asText()).isEqualTo("suite-run-ci-tests-1");
        assertThat(event.at("/subject/content/outcome").asText()).isEqualTo("pass");
        assertThat(event.at("/subject/content/testSuite/name").asText()).isEqualTo("integration");
        assertThat(event.at("/customData/service").asText()).isEqualTo("checkout-ab12");
        assertThat(event.at("/customData/version").asText()).isEqualTo("2.0.1");
        assertThat(event.at("/customData/artifactId").asText()).isEqualTo("pkg:generic/checkout-ab12@2.0.1");
        assertThat(event.at("/customData/failed").asInt()).isZero();
    }

    @Test
    void eachRunSignsItsRollbackWebhookWithANewSecret() {
        String secret = Demo.randomSecret();

        assertThat(secret).matches("[0-9a-f]{64}");
        assertThat(Demo.randomSecret()).isNotEqualTo(secret);
    }

    @Test
    void thePostmortemIsFramedLineByLine() {
        assertThat(Demo.frame("# Title\n\nbody\n").split("\n")).containsExactly(
                "    " + "─".repeat(76),
                "    │ # Title",
                "    │ ",
                "    │ body",
                "    " + "─".repeat(76));
    }
}
