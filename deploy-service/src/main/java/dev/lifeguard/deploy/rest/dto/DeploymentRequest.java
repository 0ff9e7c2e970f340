package dev.lifeguard.deploy.rest.dto;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of {@code POST /api/v1/deployments}; {@code image} is the container image, when there is one. {@code strategy}
 * (canary, blue-green, all-at-once), {@code tests} ({@code {"passed":412,"failed":0,"suites":[...]}}) and
 * {@code fixes} (incident ids) are optional; kept as JSON so a wrong one is answered naming its exact field.
 */
public record DeploymentRequest(String service, String environment, String version, String team, String commit,
                                String changeUrl, String image, JsonNode strategy, JsonNode tests, JsonNode fixes) {
}
