package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CloudEvent;

import java.time.OffsetDateTime;

/**
 * Tolerant read of deploy-service's {@code service.deployed} / {@code service.upgraded}: the deployment
 * now running and its rollback target ({@code stableVersion}, null when there is none).
 */
public record ServiceDeployedEvent(String eventId, String chainId, String deploymentId, String service,
                                   String environment, String version, String stableVersion, OffsetDateTime time) {

    public static ServiceDeployedEvent from(CloudEvent event) {
        JsonNode document = event.cdEvent().document();
        return new ServiceDeployedEvent(event.id(), event.chainId(),
                EventFields.text(document, "/customData/deploymentId", 200),
                EventFields.name(document, "/customData/service"),
                EventFields.name(document, "/customData/environment"),
                EventFields.text(document, "/customData/version", 200),
                EventFields.optionalText(document, "/customData/stableVersion", 200),
                event.time());
    }
}
