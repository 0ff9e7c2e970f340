package dev.lifeguard.benchmark.live;

import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BenchSettingsTest {

    @TempDir
    Path root;

    @Test
    void throughputFiguresRunWithG1AndTheOptimisingCompilerAndTheUsersOptionsLast() {
        PlatformSettings settings = Main.settings(root, root.resolve("bench"),
                Map.of(PlatformSettings.JAVA_OPTS_VARIABLE, "-Xmx3g"));

        assertThat(settings.javaOptions()).containsExactly("-XX:-UseSerialGC", "-XX:+UseG1GC", "-Xmx2g",
                "-XX:TieredStopAtLevel=4", "-XX:CICompilerCount=2", "-XX:ReservedCodeCacheSize=240m", "-Xmx3g");
        assertThat(settings.services()).containsExactlyInAnyOrder(LifeguardService.MONITOR, LifeguardService.ROLLBACK);
    }

    @Test
    void aRunsStateDirectoryIsItsVariableRelativeToTheCheckoutElseUnderLifeguard() {
        assertThat(Main.home(root, Map.of("LIFEGUARD_FOOTPRINT_HOME", " runs/fp "), "LIFEGUARD_FOOTPRINT_HOME", "footprint"))
                .isEqualTo(root.resolve("runs/fp"));
        assertThat(Main.home(root, Map.of("LIFEGUARD_FOOTPRINT_HOME", "  "), "LIFEGUARD_FOOTPRINT_HOME", "footprint"))
                .isEqualTo(root.resolve(".lifeguard/footprint"));
        assertThat(Main.home(root, Map.of(), Main.HOME_VARIABLE, "bench")).isEqualTo(root.resolve(".lifeguard/bench"));
    }
}
