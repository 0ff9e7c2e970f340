package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * deploy-service's {@code service.deployed} / {@code service.upgraded}: a version started running (took all traffic).
 * {@code fixes}: the incidents it says it fixes (customData {@code fixes}, or CDEvents links of kind {@code FIXES});
 * {@code strategyType}: the rollout that brought it there (canary, blue-green), else null.
 */
public record DeploymentReported(boolean upgrade, String deploymentId, String version, String previousVersion,
                                 String team, String commit, String changeUrl, String ciEventId, List<String> fixes,
                                 String strategyType) implements EventDetails {

    public DeploymentReported {
        fixes = List.copyOf(fixes);
    }

    /** The 8-argument form of deployments that name no fix and no rollout. */
    public DeploymentReported(boolean upgrade, String deploymentId, String version, String previousVersion,
                              String team, String commit, String changeUrl, String ciEventId) {
        this(upgrade, deploymentId, version, previousVersion, team, commit, changeUrl, ciEventId, List.of(), null);
    }

    static DeploymentReported from(CdEvent event, boolean upgrade) {
        JsonNode custom = event.customData();
        Set<String> fixes = new LinkedHashSet<>(RolloutReported.texts(custom.path("fixes")));
        for (JsonNode link : event.context().path("links")) {
            if ("FIXES".equals(CdEvent.textOrNull(link.get("linkKind")))) {
                String target = CdEvent.textOrNull(link.path("target").get("contextId"));
                if (target != null) {
                    fixes.add(target);
                }
            }
        }
        String strategy = CdEvent.textOrNull(custom.path("strategy").get("type"));
        return new DeploymentReported(upgrade,
                CdEvent.textOrNull(custom.get("deploymentId")),
                CdEvent.requiredText(event.document(), "/customData/version"),
                CdEvent.textOrNull(custom.get("previousVersion")),
                CdEvent.textOrNull(custom.get("team")),
                CdEvent.textOrNull(custom.get("commit")),
                CdEvent.textOrNull(custom.get("changeUrl")),
                CdEvent.textOrNull(custom.get("ciEventId")),
                List.copyOf(fixes),
                strategy);
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.DEPLOYMENT;
    }
}
