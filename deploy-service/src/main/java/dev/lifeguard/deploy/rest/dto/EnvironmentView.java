package dev.lifeguard.deploy.rest.dto;

import dev.lifeguard.deploy.service.EnvironmentState;

import java.util.List;

/**
 * What runs in one environment. {@code status} is the current deployment's lifecycle status (ANALYSING, STABLE,
 * FAILED, INCONCLUSIVE; null when nothing runs); {@code lastChange} is ROLLED_BACK when a rollback made it current,
 * DEPLOYED otherwise. {@code stableVersion} is the rollback target, {@code stableVerified} whether it passed its
 * analysis (or baked); {@code history} is newest first.
 */
public record EnvironmentView(String service, String environment, String currentVersion, String status,
                              String stableVersion, boolean stableVerified, String lastChange, DeploymentView current,
                              List<DeploymentView> history) {

    public static EnvironmentView of(EnvironmentState state) {
        DeploymentView current = state.current() == null ? null : DeploymentView.of(state.current());
        return new EnvironmentView(state.service(), state.environment(), current == null ? null : current.version(),
                current == null ? null : current.status(), state.stableVersion(), state.stableVerified(),
                state.status(), current, state.history().stream().map(DeploymentView::of).toList());
    }
}
