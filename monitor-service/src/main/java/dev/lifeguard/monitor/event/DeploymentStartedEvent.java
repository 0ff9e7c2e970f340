package dev.lifeguard.monitor.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.time.OffsetDateTime;

/**
 * Tolerant read of deploy-service's {@code service.deployed} / {@code service.upgraded}: the deployment
 * from {@code customData}, falling back to the CDEvents subject for service and environment. The
 * CloudEvent {@code time} is the deployment time, where the verification window starts.
 */
public record DeploymentStartedEvent(String eventId, String chainId, String deploymentId, String service,
                                     String environment, String version, String artifactId,
                                     OffsetDateTime deployedAt) {

    public static DeploymentStartedEvent from(CloudEvent event) {
        JsonNode document = event.cdEvent().document();
        if (event.chainId() == null) {
            throw new MalformedEventException("missing chain id (CloudEvent 'chainid' or 'context.chainId')");
        }
        if (event.time() == null) {
            throw new MalformedEventException("missing CloudEvent 'time' (the deployment time)");
        }
        return new DeploymentStartedEvent(event.id(), event.chainId(),
                CdEvent.requiredText(document, "/customData/deploymentId"),
                firstText(document, "/customData/service", "/subject/id"),
                firstText(document, "/customData/environment", "/subject/content/environment/id"),
                CdEvent.requiredText(document, "/customData/version"),
                CdEvent.requiredText(document, "/subject/content/artifactId"),
                event.time());
    }

    private static String firstText(JsonNode document, String path, String fallbackPath) {
        String text = CdEvent.textOrNull(document.at(path));
        return text != null ? text : CdEvent.requiredText(document, fallbackPath);
    }
}
