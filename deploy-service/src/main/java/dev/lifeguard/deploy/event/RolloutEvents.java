package dev.lifeguard.deploy.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.Rollout;
import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.deploy.service.Strategies;
import dev.lifeguard.support.event.CdEventBuilder;
import dev.lifeguard.support.event.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Builds the rollout events ({@code dev.cdeventsx.lifeguard-rollout.*}) on the deployments topic: every one carries
 * the deployment, its stable counterpart, the strategy, the step and weight now, and the incidents it fixes.
 */
@ApplicationScoped
public class RolloutEvents {

    public static final String GATED = "dev.cdeventsx.lifeguard-rollout.gated.0.1.0";
    public static final String RELEASED = "dev.cdeventsx.lifeguard-rollout.released.0.1.0";
    public static final String STEP_STARTED = "dev.cdeventsx.lifeguard-rollout.step-started.0.1.0";
    public static final String PAUSED = "dev.cdeventsx.lifeguard-rollout.paused.0.1.0";
    public static final String PROMOTED = "dev.cdeventsx.lifeguard-rollout.promoted.0.1.0";
    public static final String ABORTED = "dev.cdeventsx.lifeguard-rollout.aborted.0.1.0";

    private final ObjectMapper mapper;
    private final DeployConfig config;

    public RolloutEvents(ObjectMapper mapper, DeployConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /** The content every rollout event shares; the caller adds the type's own fields. */
    public ObjectNode content(Rollout rollout, Deployment deployment, Deployment stable) {
        ObjectNode content = mapper.createObjectNode();
        content.put("service", deployment.service);
        content.put("environment", deployment.environment);
        content.put("deploymentId", deployment.id);
        content.put("version", deployment.version);
        content.put("artifactId", deployment.artifactId);
        content.put("stableVersion", stable == null ? null : stable.version);
        content.put("stableDeploymentId", stable == null ? null : stable.id);
        content.set("strategy", Strategies.read(rollout.strategy));
        content.put("stepIndex", rollout.stepIndex);
        content.put("stepCount", rollout.stepCount);
        content.put("weight", rollout.weight);
        content.set("fixes", DeploymentEvents.fixes(mapper, deployment));
        content.put("requestedBy", rollout.requestedBy);
        return content;
    }

    /**
     * The event of {@code type} with {@code content}; it links to {@code triggeredBy} (else the rollout's previous
     * event) and becomes the rollout's last event.
     */
    public CloudEvent event(String type, Rollout rollout, Deployment deployment, ObjectNode content, String triggeredBy) {
        CloudEvent event = CdEventBuilder.event(type)
                .source(config.eventSource())
                .chainId(deployment.chainId)
                .triggeredBy(triggeredBy != null ? triggeredBy : rollout.lastEventId)
                .subjectId(deployment.id)
                .cloudEventSubject(deployment.key())
                .content(content)
                .build(mapper);
        rollout.lastEventId = event.id();
        return event;
    }
}
