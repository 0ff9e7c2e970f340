package dev.lifeguard.support.audit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class AuditEntryTest {

    @ParameterizedTest
    @CsvSource({"200, succeeded", "201, succeeded", "204, succeeded", "400, refused", "409, refused",
            "413, refused", "401, unauthenticated", "403, forbidden", "404, not-found", "429, rate-limited",
            "500, failed", "503, failed"})
    void theOutcomeFollowsTheStatus(int status, String outcome) {
        assertThat(AuditEntry.outcomeOf(status)).isEqualTo(outcome);
    }
}
