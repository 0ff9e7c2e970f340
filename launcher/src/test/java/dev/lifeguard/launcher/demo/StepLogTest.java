package dev.lifeguard.launcher.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StepLogTest {

    @Test
    void eachStepShowsTimeSinceStartAndSincePreviousStep() {
        AtomicLong clock = new AtomicLong(5_000_000_000L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StepLog log = new StepLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get);

        clock.addAndGet(12_000_000);
        log.step("first");
        clock.addAndGet(1_234_000_000);
        log.step("second");
        log.detail("more about it");
        clock.addAndGet(56_000_000);
        log.step("third");

        assertThat(bytes.toString(StandardCharsets.UTF_8).split("\n")).containsExactly(
                "[    12 ms | +   12 ms] first",
                "[  1246 ms | + 1234 ms] second",
                "                        more about it",
                "[  1302 ms | +   56 ms] third");
        assertThat(log.elapsedMillis()).isEqualTo(1302);
    }

    @Test
    void laterLinesOfAStepAlignUnderItsText() {
        assertThat(StepLog.format(7, 3, "title\ntext")).isEqualTo(
                "[     7 ms | +    3 ms] title\n"
                        + "                        text");
    }
}
