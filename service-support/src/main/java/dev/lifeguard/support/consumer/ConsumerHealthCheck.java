package dev.lifeguard.support.consumer;

import dev.lifeguard.support.config.ConsumerRetryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Instant;

/** Not ready while a channel has been retrying one record for longer than the threshold; names it and why. */
@Readiness
@ApplicationScoped
public class ConsumerHealthCheck implements HealthCheck {

    private final StuckChannels channels;
    private final ConsumerRetryConfig config;

    public ConsumerHealthCheck(StuckChannels channels, ConsumerRetryConfig config) {
        this.channels = channels;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        var stuck = channels.since(Instant.now().minus(config.reportStuckAfter()));
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Lifeguard consumers").status(stuck.isEmpty());
        stuck.forEach((channel, state) -> response.withData(channel, state.describe()));
        return response.build();
    }
}
