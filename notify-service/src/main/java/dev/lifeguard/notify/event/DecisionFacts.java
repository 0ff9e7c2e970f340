package dev.lifeguard.notify.event;

/**
 * What every rollback-service decision event says about its decision: the decision (= rollback) id, the deployment
 * and versions it is about, the outcome, the anomaly or verdict decided on, and the explanation (null when missing).
 * {@code toVersion} is null when there is no version to go back to.
 */
public record DecisionFacts(String rollbackId, String deploymentId, String fromVersion, String toVersion,
                            Decision decision, String anomalyId, String analysisId, Explanation explanation) {

    /** The explanation's field, or null when the event carries no explanation or the field. */
    public String rule() {
        return explanation != null ? explanation.rule() : null;
    }

    public String reason() {
        return explanation != null ? explanation.reason() : null;
    }
}
