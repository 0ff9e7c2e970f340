package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

/**
 * deploy-service's {@code service.rolledback}: {@code toVersion} runs again; {@code artifactId} is what runs now.
 * {@code reportedBy} says who did it: {@code executor} (Lifeguard's executor; also when absent), {@code ci} (someone
 * rolled back with their CD tool and CI reported it) or {@code person} (reported by hand at the complete URL).
 * {@code rolloutAborted}: the end of an aborted rollout (the new version only ever had part of the traffic).
 */
public record ServiceRolledBack(String rollbackId, String fromVersion, String toVersion, String reason,
                                String executor, String artifactId, String reportedBy, boolean rolloutAborted)
        implements EventDetails {

    public static final String REPORTED_BY_CI = "ci";
    public static final String REPORTED_BY_PERSON = "person";

    static ServiceRolledBack from(CdEvent event) {
        JsonNode custom = event.customData();
        return new ServiceRolledBack(
                CdEvent.textOrNull(custom.get("rollbackId")),
                CdEvent.requiredText(event.document(), "/customData/fromVersion"),
                CdEvent.requiredText(event.document(), "/customData/toVersion"),
                CdEvent.textOrNull(custom.get("reason")),
                CdEvent.textOrNull(custom.get("executor")),
                CdEvent.textOrNull(event.content().get("artifactId")),
                CdEvent.textOrNull(custom.get("reportedBy")),
                custom.path("rolloutAborted").asBoolean(false));
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.ROLLBACK;
    }
}
