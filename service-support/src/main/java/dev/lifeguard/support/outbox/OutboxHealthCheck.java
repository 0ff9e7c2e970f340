package dev.lifeguard.support.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while an outbox row is parked: names the oldest, why it failed, and how to retry it. */
@Readiness
@ApplicationScoped
public class OutboxHealthCheck implements HealthCheck {

    private final OutboxMonitor monitor;

    public OutboxHealthCheck(OutboxMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public HealthCheckResponse call() {
        OutboxMonitor.Snapshot current = monitor.snapshot();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Lifeguard outbox")
                .status(current.parked() == 0)
                .withData("pending", current.pending())
                .withData("parked", current.parked());
        OutboxEvent parked = current.oldestParked();
        if (parked != null) {
            response.withData("oldestParked", "#" + parked.id + " (" + parked.eventType + " to " + parked.topic
                    + ") after " + parked.attempts + " attempts: " + parked.lastError
                    + "; after fixing the cause: POST /api/v1/outbox/" + parked.id + "/retry");
        }
        return response.build();
    }
}
