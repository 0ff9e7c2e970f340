package dev.lifeguard.notify.event;

import java.util.List;

/**
 * Why rollback-service decided as it did: the rule that decided, its one-line reason, the effective policy with the
 * stored policies it came from, and the inputs the rules looked at. Read tolerantly: anything may be missing except
 * the reason (an explanation without one explains nothing, and is read as none).
 */
public record Explanation(String rule, String reason, Policy policy, Inputs inputs) {

    /** The effective policy; {@code sources} empty: no stored policy, the defaults applied. */
    public record Policy(List<Source> sources, String mode, String onApprovalTimeout, String approvalTimeout,
                         String escalationTeam, Integer maxDepth, Integer maxRollbacksPerHour) {

        public Policy {
            sources = List.copyOf(sources);
        }
    }

    /** One stored policy: scope {@code environment} or {@code service}, and its version. */
    public record Source(String scope, String environment, String service, Integer version) {
    }

    /** What the rules looked at; {@code evidence} is the anomaly's or verdict's in one line. */
    public record Inputs(String trigger, String evidence, String verdict, Integer depth, String restoredBy,
                         String openExecution, StormGuard stormGuard, String freezeReason, String cooldownUntil,
                         String requestedBy, String wouldBe) {
    }

    /** Automatic rollbacks in the environment within {@code window} before the decision, and the policy's limit. */
    public record StormGuard(Integer count, Integer limit, String window, String since) {
    }
}
