package dev.lifeguard.monitor.provider;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PullRequestTest {

    @Test
    void placeholdersAreFilledAndAValueCannotBreakOutOfItsLabelString() {
        PullRequest request = new PullRequest("checkout", "prod", "2.0\"} or vector(1) # \\", "error_rate",
                "rate(errors{service=\"{{service}}\",env=\"{{environment}}\",version=\"{{version}}\"}[1m])", Instant.EPOCH);

        assertThat(request.query()).isEqualTo(
                "rate(errors{service=\"checkout\",env=\"prod\",version=\"2.0\\\"} or vector(1) # \\\\\"}[1m])");
    }
}
