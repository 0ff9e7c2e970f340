package dev.lifeguard.reliability;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MainTest {

    @Test
    void minutesDefaultToTenAndAcceptBothSpellings() {
        assertThat(Main.minutes(new String[]{"chaos"})).isEqualTo(10);
        assertThat(Main.minutes(new String[]{})).isEqualTo(10);
        assertThat(Main.minutes(new String[]{"--minutes", "2"})).isEqualTo(2);
        assertThat(Main.minutes(new String[]{"chaos", "--minutes=120"})).isEqualTo(120);
    }

    @Test
    void minutesOutsideOneToOneHundredTwentyOrNotANumberAreRefused() {
        for (String bad : new String[]{"0", "121", "-3", "two", "1.5", ""}) {
            assertThatThrownBy(() -> Main.minutes(new String[]{"--minutes", bad}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--minutes must be a whole number from 1 to 120");
        }
        assertThatThrownBy(() -> Main.minutes(new String[]{"--minutes"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Main.minutes(new String[]{"--hours", "2"})).hasMessageContaining("unknown argument");
    }

    @Test
    void aLongerRunDrivesMoreTargetsWithTheSameFaults() {
        ChaosOptions short1 = ChaosOptions.forMinutes(1);
        ChaosOptions long10 = ChaosOptions.forMinutes(10);

        assertThat(short1.targets()).isEqualTo(ChaosOptions.MIN_TARGETS);
        assertThat(long10.targets()).isEqualTo(480);
        assertThat(long10.targets() % 2).isZero();
        assertThat(long10.killEvery()).isEqualTo(short1.killEvery());
        assertThat(long10.malformedRounds()).isEqualTo(10);
    }
}
