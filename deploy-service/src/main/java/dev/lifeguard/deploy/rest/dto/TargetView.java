package dev.lifeguard.deploy.rest.dto;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;

/**
 * A target's executor and settings (secrets masked); {@code configured} false means the default executor; {@code team}
 * owns it (null: the platform's).
 */
public record TargetView(String service, String environment, String team, String executor, ObjectNode settings,
                         boolean configured,
                         OffsetDateTime updatedAt, ObjectNode strategy, ObjectNode redeployStrategy, Gate gate) {

    /** The redeploy gate after a rollback: on unless disabled; no required suites = any passing suite, no failure. */
    public record Gate(boolean enabled, java.util.List<String> requiredSuites) {
    }
}
