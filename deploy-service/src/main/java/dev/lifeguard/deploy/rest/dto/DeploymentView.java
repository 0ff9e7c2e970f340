package dev.lifeguard.deploy.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.Rollout;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code deployedAt} is when CI says it deployed, {@code reportedAt} when the report arrived, {@code promotedAt} when
 * its rollout (or its release from the gate) gave it all traffic, which its bake counts from. {@code strategy},
 * {@code rollout} and {@code gate} show a progressive or gated deployment ({@code rollout} / {@code gate} are
 * left out when it has none); {@code gateReason} says why a GATED deployment waits.
 */
public record DeploymentView(String id, String service, String environment, String version, String artifactId,
                             String image, String status, boolean current, boolean flagged, String verdict,
                             String verdictReason, boolean late, String team, String commit, String changeUrl,
                             String chainId, OffsetDateTime deployedAt, OffsetDateTime reportedAt,
                             @JsonInclude(JsonInclude.Include.NON_NULL) OffsetDateTime promotedAt,
                             OffsetDateTime statusChangedAt, String statusReason, JsonNode strategy,
                             String strategyNote, List<String> fixes,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String gateReason,
                             @JsonInclude(JsonInclude.Include.NON_NULL) RolloutView rollout,
                             @JsonInclude(JsonInclude.Include.NON_NULL) GateView gate) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The rollout now: phase, the step running, the traffic share, and each step with its analysis verdict. */
    public record RolloutView(String phase, int stepIndex, int stepCount, int weight, String pausedBy,
                              String pausedReason, String pendingAction, String promotedBy, String abortRollbackId,
                              JsonNode steps) {
    }

    /** The redeploy gate: GATED or RELEASED, why, which suites it needs, and how it was released. */
    public record GateView(String status, String reason, List<String> requiredSuites, String rollbackId,
                           String releasedBy, OffsetDateTime releasedAt, String overrideReason, String overriddenBy,
                           JsonNode evidence) {
    }

    public static DeploymentView of(Deployment deployment) {
        return of(deployment, null);
    }

    public static DeploymentView of(Deployment deployment, Rollout rollout) {
        RolloutView rolloutView = rollout == null ? null : new RolloutView(rollout.phase, rollout.stepIndex, rollout.stepCount, rollout.weight, rollout.pausedBy,
                rollout.pausedReason, rollout.pendingAction, rollout.promotedBy, rollout.abortRollbackId,
                json(rollout.steps));
        GateView gate = rollout == null || rollout.gateStatus == null ? null
                : new GateView(rollout.gateStatus, rollout.gateReason, strings(json(rollout.requiredSuites)),
                rollout.gateRollbackId, rollout.releasedBy, rollout.releasedAt, rollout.overrideReason,
                rollout.overriddenBy, json(rollout.evidence));
        return new DeploymentView(deployment.id, deployment.service, deployment.environment, deployment.version,
                deployment.artifactId, deployment.image, deployment.status.name(), deployment.current,
                deployment.flagged, deployment.verdict, deployment.verdictReason, deployment.late, deployment.team,
                deployment.commit, deployment.changeUrl, deployment.chainId, deployment.deployedAt,
                deployment.reportedAt, deployment.promotedAt, deployment.statusChangedAt, deployment.statusReason,
                deployment.strategy == null ? null : json(deployment.strategy), deployment.strategyNote,
                strings(json(deployment.fixes)),
                gate != null && "GATED".equals(gate.status()) ? gate.reason() : null, rolloutView, gate);
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? null : MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + text, e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(value -> values.add(value.asText()));
        }
        return values;
    }
}
