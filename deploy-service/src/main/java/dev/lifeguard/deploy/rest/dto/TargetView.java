package dev.lifeguard.deploy.rest.dto;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;

/** A target's executor and settings (secrets masked); {@code configured} false means the default executor. */
public record TargetView(String service, String environment, String executor, ObjectNode settings, boolean configured,
                         OffsetDateTime updatedAt) {
}
