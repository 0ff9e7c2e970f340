package dev.lifeguard.monitor.rest.dto;

import dev.lifeguard.monitor.WatchedDeployment;
import dev.lifeguard.monitor.service.Verification;

import java.time.OffsetDateTime;

/**
 * The deployment of a target that is (or was last) under verification. {@code samplesInWindow} counts its
 * version's samples of any metric inside the window; {@code anomalyId} is set once the rule fired.
 */
public record VerificationView(String deploymentId, String service, String environment, String version,
                               String artifactId, String chainId, String status, OffsetDateTime windowStart,
                               OffsetDateTime windowEnd, long samplesInWindow, String anomalyId) {

    public static VerificationView of(Verification verification) {
        WatchedDeployment deployment = verification.deployment();
        return new VerificationView(deployment.id, deployment.service, deployment.environment, deployment.version,
                deployment.artifactId, deployment.chainId, deployment.status.name(), deployment.windowStart,
                deployment.windowEnd, verification.samplesInWindow(),
                verification.anomaly() == null ? null : verification.anomaly().id);
    }
}
