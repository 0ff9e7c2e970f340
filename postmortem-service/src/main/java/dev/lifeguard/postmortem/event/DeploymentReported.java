package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

/** deploy-service's {@code service.deployed} / {@code service.upgraded}: a version started running. */
public record DeploymentReported(boolean upgrade, String deploymentId, String version, String previousVersion,
                                 String team, String commit, String changeUrl, String ciEventId) implements EventDetails {

    static DeploymentReported from(CdEvent event, boolean upgrade) {
        JsonNode custom = event.customData();
        return new DeploymentReported(upgrade,
                CdEvent.textOrNull(custom.get("deploymentId")),
                CdEvent.requiredText(event.document(), "/customData/version"),
                CdEvent.textOrNull(custom.get("previousVersion")),
                CdEvent.textOrNull(custom.get("team")),
                CdEvent.textOrNull(custom.get("commit")),
                CdEvent.textOrNull(custom.get("changeUrl")),
                CdEvent.textOrNull(custom.get("ciEventId")));
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.DEPLOYMENT;
    }
}
