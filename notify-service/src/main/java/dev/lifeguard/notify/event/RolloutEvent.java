package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

import java.util.List;

/**
 * deploy-service's {@code lifeguard-rollout.*}: a deployment held at the redeploy gate or released from it, or a
 * step of its progressive rollout (a step started, the rollout paused, promoted to all traffic, aborted). Only the
 * version is required; what a kind adds ({@link Step}, {@link Evidence}, who paused or released it...) may be missing.
 * {@code stepIndex} is 0-based, -1 before the first step.
 */
public record RolloutEvent(CloudEvent cloudEvent, String service, String environment, Kind kind, String deploymentId,
                           String version, String stableVersion, String strategyType, Integer stepIndex,
                           Integer stepCount, Integer weight, List<String> fixes, String requestedBy, String reason,
                           List<String> requiredSuites, String rollbackId, String releasedBy, Evidence evidence,
                           Step step, Analysis analysis, String pausedBy, String promotedBy, String previousVersion,
                           String abortedBy) implements NotifiableEvent {

    public static final String CANARY = "canary";
    public static final String BLUE_GREEN = "blue-green";

    public RolloutEvent {
        fixes = List.copyOf(fixes);
        requiredSuites = List.copyOf(requiredSuites);
    }

    /** "canary", "blue-green", or "rollout" when the event names no strategy. */
    public String strategyLabel() {
        return strategyType != null ? strategyType : "rollout";
    }

    /** Whether traffic moves step by step (canary, blue-green) rather than all at once. */
    public boolean progressive() {
        return CANARY.equals(strategyType) || BLUE_GREEN.equals(strategyType);
    }

    public enum Kind {
        GATED("gated"), RELEASED("released"), STEP_STARTED("step-started"), PAUSED("paused"), PROMOTED("promoted"),
        ABORTED("aborted");

        private final String typeName;

        Kind(String typeName) {
            this.typeName = typeName;
        }

        /** The kind of a {@code dev.cdeventsx.lifeguard-rollout.<name>.<version>} type, or null. */
        static Kind ofType(String type) {
            if (!type.startsWith(EventTypes.ROLLOUT_PREFIX)) {
                return null;
            }
            String rest = type.substring(EventTypes.ROLLOUT_PREFIX.length());
            for (Kind kind : values()) {
                if (rest.startsWith(kind.typeName + ".")) {
                    return kind;
                }
            }
            return null;
        }
    }

    /** The test run that released a gated deployment; counts are null when not given. */
    public record Evidence(Integer passed, Integer failed, List<String> suites, String source) {

        public Evidence {
            suites = List.copyOf(suites);
        }
    }

    /** A started step: set-weight (weight), pause (ISO-8601 duration, null: waits for promote) or preview. */
    public record Step(String kind, Integer weight, String duration) {

        public static final String SET_WEIGHT = "set-weight";
        public static final String PAUSE = "pause";
        public static final String PREVIEW = "preview";
    }

    /** The analysis monitor-service runs during a step; {@code window} null: the target's spec window. */
    public record Analysis(String analysisId, String window) {
    }
}
