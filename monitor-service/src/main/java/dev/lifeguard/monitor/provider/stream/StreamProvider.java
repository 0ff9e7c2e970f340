package dev.lifeguard.monitor.provider.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.provider.MetricProvider;
import dev.lifeguard.monitor.spec.InvalidSpecException;
import jakarta.enterprise.context.ApplicationScoped;

/** Samples pushed to {@code lifeguard.metrics} or {@code POST /api/v1/metrics}: nothing to pull, no query. */
@ApplicationScoped
public class StreamProvider implements MetricProvider {

    @Override
    public String name() {
        return "stream";
    }

    @Override
    public void validate(ObjectNode metric, String path) {
        if (metric.hasNonNull("query")) {
            throw new InvalidSpecException(path + ".query", "field '" + path + ".query' is for pull providers; "
                    + "samples of the stream provider are pushed to lifeguard.metrics");
        }
    }
}
