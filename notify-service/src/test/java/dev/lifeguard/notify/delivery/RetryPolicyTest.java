package dev.lifeguard.notify.delivery;

import dev.lifeguard.notify.DeliveryStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofSeconds(30),
            Duration.ofMinutes(10));

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # attempts made | status | Retry-After s | verdict   | seconds until next attempt
            1               | 200    |               | DELIVERED |
            1               | 204    |               | DELIVERED |
            1               | 500    |               | PENDING   | 2
            2               | 502    |               | PENDING   | 4
            3               | 0      |               | PENDING   | 8
            4               | 408    |               | PENDING   | 16
            1               | 503    | 7             | PENDING   | 7
            1               | 429    | 3600          | PENDING   | 600
            5               | 503    | 1             | FAILED    |
            5               | 500    |               | FAILED    |
            1               | 400    |               | FAILED    |
            1               | 404    |               | FAILED    |
            1               | 410    |               | FAILED    |
            """)
    void decidesWhatFollowsAnAttempt(int attempts, int status, Long retryAfterSeconds, DeliveryStatus expected,
                                     Long secondsUntilNext) {
        HttpOutcome outcome = status == 0
                ? HttpOutcome.noResponse("connection refused")
                : HttpOutcome.response(status, retryAfterSeconds == null ? null : Duration.ofSeconds(retryAfterSeconds), "");

        RetryPolicy.Verdict verdict = policy.after(attempts, outcome, NOW);

        assertThat(verdict.status()).isEqualTo(expected);
        assertThat(verdict.nextAttemptAt())
                .isEqualTo(secondsUntilNext == null ? null : NOW.plusSeconds(secondsUntilNext));
    }

    @Test
    void backoffIsCapped() {
        RetryPolicy patient = new RetryPolicy(100, Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMinutes(10));

        assertThat(patient.after(50, HttpOutcome.noResponse("timeout"), NOW).nextAttemptAt())
                .isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    void failureSaysWhatHappenedAndThatItGaveUp() {
        assertThat(policy.after(5, HttpOutcome.response(500, null, "boom"), NOW).lastError())
                .isEqualTo("HTTP 500: boom (gave up after 5 attempts)");
        assertThat(policy.after(1, HttpOutcome.response(404, null, "no_service"), NOW).lastError())
                .isEqualTo("HTTP 404: no_service (not retried)");
        assertThat(policy.after(1, HttpOutcome.refused("channel URL refused"), NOW).status())
                .isEqualTo(DeliveryStatus.FAILED);
    }

    @Test
    void readsRetryAfterInBothForms() {
        assertThat(HttpOutcome.parseRetryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(HttpOutcome.parseRetryAfter("Thu, 26 Nov 2026 10:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(HttpOutcome.parseRetryAfter("Thu, 26 Nov 2026 09:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
        assertThat(HttpOutcome.parseRetryAfter("soon", NOW)).isNull();
        assertThat(HttpOutcome.parseRetryAfter(null, NOW)).isNull();
    }
}
