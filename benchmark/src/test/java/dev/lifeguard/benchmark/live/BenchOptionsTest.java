package dev.lifeguard.benchmark.live;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTest {

    @Test
    void withoutArgumentsEveryFigureRunsAtFullSize() {
        BenchOptions options = BenchOptions.parse(new String[] {"bench"});

        assertThat(options.only()).containsExactly("P1", "P2", "P3", "P6");
        assertThat(options.quick()).isFalse();
        assertThat(options.reactionFailures()).isGreaterThanOrEqualTo(200);
        assertThat(options.scaleDeployments()).isEqualTo(10_000);
    }

    @Test
    void quickAndOnlySelectSmallerWork() {
        BenchOptions options = BenchOptions.parse(new String[] {"--quick", "--only", "p1, P3"});

        assertThat(options.quick()).isTrue();
        assertThat(options.only()).containsExactly("P1", "P3");
        assertThat(options.runs("P6")).isFalse();
        assertThat(options.needsPlatform()).isTrue();
        assertThat(BenchOptions.parse(new String[] {"--only=P2"}).needsPlatform()).isFalse();
    }

    @Test
    void anUnknownFigureOrArgumentIsNamed() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--only", "P4"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'P4'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fast"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--fast'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--only"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--only needs a value");
    }
}
