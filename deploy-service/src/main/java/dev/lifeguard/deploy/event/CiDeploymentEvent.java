package dev.lifeguard.deploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.EventTarget;

import java.time.OffsetDateTime;

/**
 * A CDEvents {@code service.deployed} / {@code service.upgraded} as CI tools send it, read tolerantly:
 * service from {@code subject.id}, environment from {@code subject.content.environment.id}, version
 * from the {@code artifactId} package URL, time from the event (when CI deployed, not when it arrived). Optional
 * Lifeguard extras ({@code team}, {@code commit}, {@code changeUrl}, {@code image}) may ride in {@code customData}.
 */
public record CiDeploymentEvent(String eventId, String chainId, OffsetDateTime time, String service, String environment,
                                String version, String artifactId, String team, String commit, String changeUrl,
                                String image) {

    public static CiDeploymentEvent from(CloudEvent event) {
        CdEvent cdEvent = event.cdEvent();
        JsonNode document = cdEvent.document();
        String service = CdEvent.requiredText(document, "/subject/id");
        String environment = CdEvent.requiredText(document, "/subject/content/environment/id");
        String artifactId = CdEvent.requiredText(document, "/subject/content/artifactId");
        String version = PackageUrl.parse(artifactId).deployedVersion();
        JsonNode custom = cdEvent.customData();
        return new CiDeploymentEvent(event.id(), event.chainId(), event.time(), EventTarget.requireName("subject.id", service),
                EventTarget.requireName("subject.content.environment.id", environment), version, artifactId,
                CdEvent.textOrNull(custom.get("team")), CdEvent.textOrNull(custom.get("commit")),
                CdEvent.textOrNull(custom.get("changeUrl")), CdEvent.textOrNull(custom.get("image")));
    }
}
