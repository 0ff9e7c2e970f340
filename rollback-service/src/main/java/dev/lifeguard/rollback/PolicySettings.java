package dev.lifeguard.rollback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields one stored policy sets; null means "not set here": the service's policy inherits it from the
 * environment's, the environment's from the defaults. {@code freezeWindows} of both add up instead.
 *
 * @param maxRollbacksPerHour the storm guard of the environment; only an environment-wide policy sets it
 */
public record PolicySettings(PolicyMode mode, InconclusiveAction onInconclusive, Duration cooldown,
                             Integer maxRollbacksPerHour, List<FreezeWindow> freezeWindows, Boolean dryRun,
                             Duration approvalTimeout, ApprovalTimeoutAction onApprovalTimeout, String escalationTeam,
                             Integer maxDepth) {

    public PolicySettings {
        freezeWindows = freezeWindows == null ? null : List.copyOf(freezeWindows);
    }

    /** A policy that sets nothing. */
    public static PolicySettings none() {
        return new PolicySettings(null, null, null, null, null, null, null, null, null, null);
    }

    /** {@code this} policy laid over {@code effective}: what it sets wins, its freeze windows add to the others. */
    public EffectivePolicy over(EffectivePolicy effective, EffectivePolicy.Source source) {
        List<EffectivePolicy.Source> sources = new ArrayList<>(effective.sources());
        sources.add(source);
        List<FreezeWindow> windows = new ArrayList<>(effective.freezeWindows());
        if (freezeWindows != null) {
            windows.addAll(freezeWindows);
        }
        return new EffectivePolicy(sources,
                mode != null ? mode : effective.mode(),
                onInconclusive != null ? onInconclusive : effective.onInconclusive(),
                cooldown != null ? cooldown : effective.cooldown(),
                maxRollbacksPerHour != null ? maxRollbacksPerHour : effective.maxRollbacksPerHour(),
                windows,
                dryRun != null ? dryRun : effective.dryRun(),
                approvalTimeout != null ? approvalTimeout : effective.approvalTimeout(),
                onApprovalTimeout != null ? onApprovalTimeout : effective.onApprovalTimeout(),
                escalationTeam != null ? escalationTeam : effective.escalationTeam(),
                maxDepth != null ? maxDepth : effective.maxDepth());
    }
}
