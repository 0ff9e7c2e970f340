package dev.lifeguard.deploy.rest.dto;

import dev.lifeguard.deploy.Deployment;

import java.time.OffsetDateTime;

public record DeploymentView(String id, String service, String environment, String version, String artifactId,
                             String status, String team, String commit, String changeUrl, String chainId,
                             OffsetDateTime deployedAt, OffsetDateTime statusChangedAt, String statusReason) {

    public static DeploymentView of(Deployment deployment) {
        return new DeploymentView(deployment.id, deployment.service, deployment.environment, deployment.version,
                deployment.artifactId, deployment.status.name(), deployment.team, deployment.commit,
                deployment.changeUrl, deployment.chainId, deployment.deployedAt, deployment.statusChangedAt,
                deployment.statusReason);
    }
}
