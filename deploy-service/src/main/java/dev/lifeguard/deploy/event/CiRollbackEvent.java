package dev.lifeguard.deploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.EventTarget;

import java.time.OffsetDateTime;

/**
 * A CDEvents {@code service.rolledback} as CI sends it: the version now running is in {@code subject.content.artifactId}.
 * {@code customData.rollbackId} names the Lifeguard rollback it completes, when CI carried it through (webhook,
 * GitHub Actions inputs); without it the rollback was done outside Lifeguard.
 */
public record CiRollbackEvent(String eventId, String chainId, OffsetDateTime time, String service, String environment,
                              String version, String artifactId, String image, String rollbackId) {

    public static CiRollbackEvent from(CloudEvent event) {
        JsonNode document = event.cdEvent().document();
        String artifactId = CdEvent.requiredText(document, "/subject/content/artifactId");
        JsonNode custom = event.cdEvent().customData();
        return new CiRollbackEvent(event.id(), event.chainId(), event.time(),
                EventTarget.requireName("subject.id", CdEvent.requiredText(document, "/subject/id")),
                EventTarget.requireName("subject.content.environment.id",
                        CdEvent.requiredText(document, "/subject/content/environment/id")),
                PackageUrl.parse(artifactId).deployedVersion(), artifactId, CdEvent.textOrNull(custom.get("image")),
                CdEvent.textOrNull(custom.get("rollbackId")));
    }
}
