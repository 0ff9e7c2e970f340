package dev.lifeguard.benchmark.footprint;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryTest {

    @Test
    void medianAndMaxOfOddAndEvenCounts() {
        assertThat(Summary.of(List.of(3.0, 1.0, 2.0))).contains(new Summary(2.0, 3.0, 3));
        assertThat(Summary.of(List.of(4.0, 1.0, 2.0, 10.0))).contains(new Summary(3.0, 10.0, 4));
        assertThat(Summary.of(List.of(2.5))).contains(new Summary(2.5, 2.5, 1));
        assertThat(Summary.of(List.of())).isEmpty();
    }
}
