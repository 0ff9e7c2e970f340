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

    @Test
    void footprintSelectsTheFootprintRunWithThreeRoundsOrOneWhenQuick() {
        assertThat(BenchOptions.parse(new String[] {"bench"}).footprint()).isFalse();
        BenchOptions full = BenchOptions.parse(new String[] {"bench", "--footprint"});
        BenchOptions quick = BenchOptions.parse(new String[] {"--quick", "--footprint"});

        assertThat(full.footprint()).isTrue();
        assertThat(full.footprintRounds()).isEqualTo(3);
        assertThat(quick.footprint()).isTrue();
        assertThat(quick.footprintRounds()).isEqualTo(1);
    }

    @Test
    void footprintWithOnlyIsAUsageError() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--footprint", "--only", "P1"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--footprint")
                .hasMessageContaining("--only");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--only=P2", "--footprint"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be combined with --only");
    }
}
