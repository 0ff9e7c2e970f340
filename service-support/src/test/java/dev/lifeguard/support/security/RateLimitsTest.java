package dev.lifeguard.support.security;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitsTest {

    private static SecurityConfig limit(int requests, Duration period) {
        return new SecurityConfig() {
            @Override
            public String teamsClaim() {
                return "teams";
            }

            @Override
            public RateLimit rateLimit() {
                return new RateLimit() {
                    @Override
                    public int requests() {
                        return requests;
                    }

                    @Override
                    public Duration period() {
                        return period;
                    }
                };
            }
        };
    }

    @Test
    void eachPrincipalHasItsOwnBucketAndTheRefusalSaysHowLongToWait() {
        MutableClock clock = new MutableClock();
        RateLimits limits = new RateLimits(limit(3, Duration.ofMinutes(1)), null, clock);

        assertThat(limits.take("alice")).isZero();
        assertThat(limits.take("alice")).isZero();
        assertThat(limits.take("alice")).isZero();
        // one request comes back every 20 s
        assertThat(limits.take("alice")).isEqualTo(20_000L);
        assertThat(limits.take("bob")).as("another principal is not limited by alice's calls").isZero();

        clock.advance(Duration.ofSeconds(15));
        assertThat(limits.take("alice")).isEqualTo(5_000L);
        clock.advance(Duration.ofSeconds(5));
        assertThat(limits.take("alice")).isZero();
        assertThat(limits.take("alice")).isEqualTo(20_000L);

        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            assertThat(limits.take("alice")).as("a full bucket holds no more than the limit").isZero();
        }
        assertThat(limits.take("alice")).isPositive();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-03T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
