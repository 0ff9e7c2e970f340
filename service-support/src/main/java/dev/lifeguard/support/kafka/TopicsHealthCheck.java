package dev.lifeguard.support.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Set;

/** Not ready while a topic the service reads or writes has not been created (the broker creates none itself). */
@Readiness
@ApplicationScoped
public class TopicsHealthCheck implements HealthCheck {

    private final TopicProvisioner topics;

    public TopicsHealthCheck(TopicProvisioner topics) {
        this.topics = topics;
    }

    @Override
    public HealthCheckResponse call() {
        Set<String> missing = topics.missing();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Lifeguard topics").status(missing.isEmpty())
                .withData("topics", String.join(", ", topics.configured()));
        if (!missing.isEmpty()) {
            response.withData("missing", String.join(", ", missing))
                    .withData("lastError", topics.lastError() == null ? "not tried yet" : topics.lastError());
        }
        return response.build();
    }
}
