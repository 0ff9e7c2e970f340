package dev.lifeguard.rollback;

import java.time.Duration;
import java.util.List;

/**
 * The policy that applies to one service in one environment: the service's stored policy merged field by field over
 * its environment's, over the defaults (mode auto, which is how rollback-service behaved before policies existed).
 *
 * @param sources             the stored policies it came from, environment first; empty when none is stored
 * @param cooldown            null: none
 * @param maxRollbacksPerHour null: no storm guard (environment scope only)
 * @param escalationTeam      never null: the policy's, else {@code lifeguard.rollback.escalation-team}
 */
public record EffectivePolicy(List<Source> sources, PolicyMode mode, InconclusiveAction onInconclusive,
                              Duration cooldown, Integer maxRollbacksPerHour, List<FreezeWindow> freezeWindows,
                              boolean dryRun, Duration approvalTimeout, ApprovalTimeoutAction onApprovalTimeout,
                              String escalationTeam, int maxDepth) {

    public EffectivePolicy {
        sources = List.copyOf(sources);
        freezeWindows = List.copyOf(freezeWindows);
    }

    /** The behaviour without any stored policy. */
    public static EffectivePolicy defaults(Duration approvalTimeout, String escalationTeam) {
        return new EffectivePolicy(List.of(), PolicyMode.AUTO, InconclusiveAction.IGNORE, null, null, List.of(), false,
                approvalTimeout, ApprovalTimeoutAction.HOLD, escalationTeam, 1);
    }

    /** E.g. {@code "policy production v3 + checkout/production v1"}, or {@code "no policy (defaults)"}. */
    public String describeSources() {
        if (sources.isEmpty()) {
            return "no policy (defaults)";
        }
        StringBuilder text = new StringBuilder("policy ");
        for (int i = 0; i < sources.size(); i++) {
            Source source = sources.get(i);
            if (i > 0) {
                text.append(" + ");
            }
            text.append(source.service() == null ? source.environment() : source.service() + "/" + source.environment())
                    .append(" v").append(source.version());
        }
        return text.toString();
    }

    /** One stored policy: environment-wide ({@code service} null) or a service's override. */
    public record Source(String environment, String service, int version) {

        public String scope() {
            return service == null ? "environment" : "service";
        }
    }
}
