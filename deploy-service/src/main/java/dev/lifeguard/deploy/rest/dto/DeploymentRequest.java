package dev.lifeguard.deploy.rest.dto;

/** Body of {@code POST /api/v1/deployments}; {@code image} is the container image, when there is one. */
public record DeploymentRequest(String service, String environment, String version, String team, String commit,
                                String changeUrl, String image) {
}
