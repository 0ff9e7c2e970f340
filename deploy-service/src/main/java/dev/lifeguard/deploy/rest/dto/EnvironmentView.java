package dev.lifeguard.deploy.rest.dto;

import dev.lifeguard.deploy.service.EnvironmentState;

import java.util.List;

/** {@code stableVersion} is the rollback target; {@code history} is newest first. */
public record EnvironmentView(String service, String environment, String currentVersion, String stableVersion,
                              String status, DeploymentView current, List<DeploymentView> history) {

    public static EnvironmentView of(EnvironmentState state) {
        DeploymentView current = state.current() == null ? null : DeploymentView.of(state.current());
        return new EnvironmentView(state.service(), state.environment(), current == null ? null : current.version(),
                state.stableVersion(), state.status(), current,
                state.history().stream().map(DeploymentView::of).toList());
    }
}
