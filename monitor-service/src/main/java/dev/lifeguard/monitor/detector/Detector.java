package dev.lifeguard.monitor.detector;

import java.util.List;
import java.util.Optional;

/**
 * Decides whether a deployment's samples are anomalous. It only judges: the service measures, stores
 * and selects the samples, and acts on the finding. Implementations live in their own package and are
 * selected by their {@code @Identifier} through {@code lifeguard.monitor.detector}. They must be pure:
 * the same samples always give the same answer.
 */
public interface Detector {

    /** The metric this detector judges; it is handed samples of this metric only. */
    String metric();

    /**
     * Judges one deployment's samples of {@link #metric()}, all taken inside its verification window,
     * oldest first. Empty means nothing is wrong (yet).
     */
    Optional<Finding> evaluate(List<Observation> samples);
}
