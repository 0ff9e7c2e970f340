package dev.lifeguard.rollback.rest;

import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutating calls are limited per principal (here 3 a minute): the 4th of one principal is refused with 429 and
 * Retry-After, while another principal and reads go on.
 */
@QuarkusTest
@TestProfile(RollbackRateLimitTest.ThreeChangesAMinute.class)
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RollbackRateLimitTest {

    public static class ThreeChangesAMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the %test value of service-support would win over an unprofiled one: both are set
            return Map.of("lifeguard.security.rate-limit.requests", "3",
                    "%test.lifeguard.security.rate-limit.requests", "3",
                    "lifeguard.security.rate-limit.period", "1m",
                    "%test.lifeguard.security.rate-limit.period", "1m");
        }
    }

    @Test
    void theFourthChangeOfOnePrincipalWithinTheMinuteIsRefusedOthersAndReadsGoOn() {
        String rita = TestTokens.token("rita", Set.of("admin"), Set.of());
        String path = "/api/v1/policies/environments/env-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            assertThat(put(rita, path).statusCode()).as("change %d", i + 1).isIn(200, 201);
        }

        Response refused = put(rita, path);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertThat(TestTokens.as(rita).delete(path).statusCode()).as("every mutating method counts").isEqualTo(429);

        assertThat(put(TestTokens.token("sam", Set.of("admin"), Set.of()), path).statusCode())
                .as("another principal has its own budget").isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(TestTokens.as(rita).get(path).statusCode()).as("reads are not limited").isEqualTo(200);
        }
    }

    private static Response put(String token, String path) {
        return TestTokens.as(token).contentType(ContentType.JSON).body("{\"mode\": \"auto\"}").put(path);
    }
}
