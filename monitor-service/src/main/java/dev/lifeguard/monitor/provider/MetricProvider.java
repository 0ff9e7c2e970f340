package dev.lifeguard.monitor.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where an analysed metric's samples come from. Push providers ({@code stream}) only validate their spec fields:
 * samples arrive on {@code lifeguard.metrics}. Pull providers ({@code prometheus}) are asked by the engine for one
 * value per interval and version; what they return becomes a sample on the stream. Implementations live in a
 * package of their own and are {@code @ApplicationScoped} CDI beans named by {@link #name()}.
 */
public interface MetricProvider {

    /** The name specs use in {@code "provider"}. */
    String name();

    /**
     * Checks the provider's fields of one spec metric (e.g. {@code query}).
     *
     * @param path where the metric sits in the spec, e.g. {@code metrics[1]}
     * @throws dev.lifeguard.monitor.spec.InvalidSpecException naming the field
     */
    void validate(ObjectNode metric, String path);

    /** Whether the engine must call {@link #pull} every interval during an analysis. */
    default boolean pulls() {
        return false;
    }

    /** Measures one metric of one version at one time. Never throws: failures come back as {@link PullResult#failure}. */
    default PullResult pull(PullRequest request) {
        throw new UnsupportedOperationException(name() + " does not pull");
    }
}
