package dev.lifeguard.deploy.rest.dto;

import dev.lifeguard.deploy.Deployment;

import java.time.OffsetDateTime;

/** {@code deployedAt} is when CI says it deployed, {@code reportedAt} when the report arrived. */
public record DeploymentView(String id, String service, String environment, String version, String artifactId,
                             String image, String status, boolean current, boolean flagged, String verdict,
                             String verdictReason, boolean late, String team, String commit, String changeUrl,
                             String chainId, OffsetDateTime deployedAt, OffsetDateTime reportedAt,
                             OffsetDateTime statusChangedAt, String statusReason) {

    public static DeploymentView of(Deployment deployment) {
        return new DeploymentView(deployment.id, deployment.service, deployment.environment, deployment.version,
                deployment.artifactId, deployment.image, deployment.status.name(), deployment.current,
                deployment.flagged, deployment.verdict, deployment.verdictReason, deployment.late, deployment.team,
                deployment.commit, deployment.changeUrl, deployment.chainId, deployment.deployedAt,
                deployment.reportedAt, deployment.statusChangedAt, deployment.statusReason);
    }
}
