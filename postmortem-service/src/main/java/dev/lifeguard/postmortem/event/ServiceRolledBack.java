package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

/** deploy-service's {@code service.rolledback}: {@code toVersion} runs again; {@code artifactId} is what runs now. */
public record ServiceRolledBack(String rollbackId, String fromVersion, String toVersion, String reason,
                                String executor, String artifactId) implements EventDetails {

    static ServiceRolledBack from(CdEvent event) {
        JsonNode custom = event.customData();
        return new ServiceRolledBack(
                CdEvent.textOrNull(custom.get("rollbackId")),
                CdEvent.requiredText(event.document(), "/customData/fromVersion"),
                CdEvent.requiredText(event.document(), "/customData/toVersion"),
                CdEvent.textOrNull(custom.get("reason")),
                CdEvent.textOrNull(custom.get("executor")),
                CdEvent.textOrNull(event.content().get("artifactId")));
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.ROLLBACK;
    }
}
