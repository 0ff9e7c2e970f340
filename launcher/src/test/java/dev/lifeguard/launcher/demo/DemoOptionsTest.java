package dev.lifeguard.launcher.demo;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoOptionsTest {

    @Test
    void withoutOptionsTheDemoIsThePlainOne() {
        assertThat(DemoOptions.parse(List.of())).isEqualTo(DemoOptions.plain());
        assertThat(DemoOptions.plain().approval()).isFalse();
    }

    @Test
    void approvalWaitsSixtySecondsUnlessToldOtherwise() {
        assertThat(DemoOptions.parse(List.of("--approval")))
                .isEqualTo(new DemoOptions(true, Duration.ofSeconds(60)));
        assertThat(DemoOptions.parse(List.of("--approval", "--approval-wait", "5")))
                .isEqualTo(new DemoOptions(true, Duration.ofSeconds(5)));
        assertThat(DemoOptions.parse(List.of("--approval-wait=120", "--approval")))
                .isEqualTo(new DemoOptions(true, Duration.ofSeconds(120)));
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThatThrownBy(() -> DemoOptions.parse(List.of("--approve"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown demo option '--approve'").hasMessageContaining(DemoOptions.USAGE);
        assertThatThrownBy(() -> DemoOptions.parse(List.of("--approval-wait", "5")))
                .hasMessageContaining("--approval-wait goes with --approval");
        assertThatThrownBy(() -> DemoOptions.parse(List.of("--approval", "--approval-wait", "soon")))
                .hasMessageContaining("--approval-wait must be a number of seconds from 1 to 3600, not 'soon'");
        assertThatThrownBy(() -> DemoOptions.parse(List.of("--approval", "--approval-wait")))
                .hasMessageContaining("not 'null'");
    }
}
