package dev.lifeguard.deploy.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.Rollback;
import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.deploy.service.StableVersions;
import dev.lifeguard.deploy.service.Strategies;
import dev.lifeguard.support.event.CdEventBuilder;
import dev.lifeguard.support.event.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;

/** Builds the canonical lifecycle events deploy-service publishes on the deployments topic. */
@ApplicationScoped
public class DeploymentEvents {

    private final ObjectMapper mapper;
    private final DeployConfig config;

    public DeploymentEvents(ObjectMapper mapper, DeployConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /** {@code service.deployed} for the first version in an environment, {@code service.upgraded} after that. */
    public CloudEvent deployed(Deployment deployment, boolean firstInEnvironment, String previousVersion,
                               StableVersions.Choice stable) {
        return deployed(deployment, firstInEnvironment, previousVersion, stable, false, null);
    }

    /**
     * As {@link #deployed(Deployment, boolean, String, StableVersions.Choice)}; {@code rollout} when the version
     * took all traffic at the end of its rollout (the event then links to the rollout's promoted event).
     */
    public CloudEvent deployed(Deployment deployment, boolean firstInEnvironment, String previousVersion,
                               StableVersions.Choice stable, boolean rollout, String triggeredBy) {
        ObjectNode custom = mapper.createObjectNode();
        custom.put("deploymentId", deployment.id);
        custom.put("service", deployment.service);
        custom.put("environment", deployment.environment);
        custom.put("version", deployment.version);
        custom.put("previousVersion", previousVersion);
        custom.put("stableVersion", stable == null ? null : stable.version());
        custom.put("stableVerified", stable != null && stable.verified());
        custom.put("image", deployment.image);
        custom.put("team", deployment.team);
        custom.put("commit", deployment.commit);
        custom.put("changeUrl", deployment.changeUrl);
        custom.put("ciEventId", deployment.ciEventId);
        if (deployment.fixes != null) {
            custom.set("fixes", fixes(mapper, deployment));
        }
        if (deployment.strategy != null) {
            custom.set("strategy", Strategies.read(deployment.strategy));
        }
        if (rollout) {
            custom.put("rollout", true);
        }
        return CdEventBuilder.event(firstInEnvironment ? EventTypes.SERVICE_DEPLOYED : EventTypes.SERVICE_UPGRADED)
                .id(deployment.eventId)
                .source(config.eventSource())
                .chainId(deployment.chainId)
                .triggeredBy(triggeredBy != null ? triggeredBy : deployment.ciEventId)
                .subjectId(deployment.service)
                .cloudEventSubject(deployment.key())
                // a promoted rollout deployed when it took all traffic: its analysis and bake start there
                .time(deployment.allTrafficSince())
                .content(content(deployment))
                .customData(custom)
                .build(mapper);
    }

    /** {@code service.rolledback}: {@code restored} runs again, the rolled-back deployment is named in customData. */
    public CloudEvent rolledBack(Rollback rollback, Deployment restored, String chainId, String triggeringEventId) {
        ObjectNode custom = mapper.createObjectNode();
        custom.put("rollbackId", rollback.id);
        custom.put("deploymentId", rollback.deploymentId);
        custom.put("service", rollback.service);
        custom.put("environment", rollback.environment);
        custom.put("fromVersion", rollback.fromVersion);
        custom.put("toVersion", rollback.toVersion);
        custom.put("reason", rollback.reason);
        custom.put("executor", rollback.executor);
        custom.put("restoredDeploymentId", restored.id);
        custom.put("restoredEventId", restored.eventId);
        custom.put("reportedBy", rollback.reportedBy);
        if (rollback.rolloutAbort) {
            custom.put("rolloutAborted", true);
        }
        return CdEventBuilder.event(EventTypes.SERVICE_ROLLEDBACK)
                .source(config.eventSource())
                .chainId(chainId)
                .triggeredBy(triggeringEventId)
                .subjectId(restored.service)
                .cloudEventSubject(restored.key())
                .content(content(restored))
                .customData(custom)
                .build(mapper);
    }

    public CloudEvent rollbackSkipped(Rollback rollback) {
        return rollbackOutcome(EventTypes.ROLLBACK_SKIPPED, rollback, null);
    }

    public CloudEvent rollbackFailed(Rollback rollback) {
        return rollbackOutcome(EventTypes.ROLLBACK_FAILED, rollback, null);
    }

    public CloudEvent rollbackAccepted(Rollback rollback, String completeUrl) {
        return rollbackOutcome(EventTypes.ROLLBACK_ACCEPTED, rollback, completeUrl);
    }

    /** {@code service.removed}: CI retired the service in the environment; {@code retired} was current until now. */
    public CloudEvent removed(Deployment retired, String ciEventId, String chainId) {
        ObjectNode custom = mapper.createObjectNode();
        custom.put("deploymentId", retired.id);
        custom.put("service", retired.service);
        custom.put("environment", retired.environment);
        custom.put("version", retired.version);
        custom.put("ciEventId", ciEventId);
        ObjectNode content = mapper.createObjectNode();
        content.putObject("environment").put("id", retired.environment);
        return CdEventBuilder.event(EventTypes.SERVICE_REMOVED)
                .source(config.eventSource())
                .chainId(chainId)
                .triggeredBy(ciEventId)
                .subjectId(retired.service)
                .cloudEventSubject(retired.key())
                .content(content)
                .customData(custom)
                .build(mapper);
    }

    private CloudEvent rollbackOutcome(String type, Rollback rollback, String completeUrl) {
        ObjectNode content = mapper.createObjectNode();
        content.put("service", rollback.service);
        content.put("environment", rollback.environment);
        content.put("rollbackId", rollback.id);
        content.put("deploymentId", rollback.deploymentId);
        content.put("fromVersion", rollback.fromVersion);
        content.put("toVersion", rollback.toVersion);
        content.put("reason", rollback.reason);
        content.put("executor", rollback.executor);
        content.put("detail", rollback.outcomeDetail);
        if (EventTypes.ROLLBACK_FAILED.equals(type)) {
            content.put("attempts", Math.max(1, rollback.attempts));
        }
        if (completeUrl != null) {
            content.put("completeUrl", completeUrl);
        }
        return CdEventBuilder.event(type)
                .source(config.eventSource())
                .chainId(rollback.chainId != null ? rollback.chainId : rollback.id)
                .triggeredBy(rollback.requestEventId)
                .subjectId(rollback.id)
                .cloudEventSubject(rollback.service + "/" + rollback.environment)
                .content(content)
                .build(mapper);
    }

    /** The incident ids the deployment says it fixes, as a JSON array ({@code []} when none). */
    public static com.fasterxml.jackson.databind.node.ArrayNode fixes(ObjectMapper mapper, Deployment deployment) {
        if (deployment.fixes == null) {
            return mapper.createArrayNode();
        }
        try {
            return (com.fasterxml.jackson.databind.node.ArrayNode) mapper.readTree(deployment.fixes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("fixes of deployment " + deployment.id + " are not a JSON array", e);
        }
    }

    private ObjectNode content(Deployment deployment) {
        ObjectNode content = mapper.createObjectNode();
        content.putObject("environment").put("id", deployment.environment);
        content.put("artifactId", deployment.artifactId);
        return content;
    }
}
