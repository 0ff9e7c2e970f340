package dev.lifeguard.deploy.messaging;

import dev.lifeguard.deploy.event.AnalysisVerdictEvent;
import dev.lifeguard.deploy.event.EventTypes;
import dev.lifeguard.deploy.service.DeploymentService;
import dev.lifeguard.deploy.service.RollbackRunner;
import dev.lifeguard.deploy.service.Rollouts;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * monitor-service's findings drive the lifecycle: verdicts make deployments STABLE, FAILED or INCONCLUSIVE (a rollout
 * step's verdict moves its rollout on, pauses or aborts it);
 * anomalies flag them (never a rollback target, never baked into STABLE).
 */
@ApplicationScoped
public class AnalysisConsumer {

    private static final String VERDICTS = "deploy-service/analyses";
    private static final String ANOMALIES = "deploy-service/anomalies";

    private final EventIntake intake;
    private final DeploymentService deployments;
    private final Rollouts rollouts;
    private final RollbackRunner runner;

    public AnalysisConsumer(EventIntake intake, DeploymentService deployments, Rollouts rollouts, RollbackRunner runner) {
        this.intake = intake;
        this.deployments = deployments;
        this.rollouts = rollouts;
        this.runner = runner;
    }

    @Incoming(Channels.ANALYSES)
    @Blocking
    public void verdict(ConsumerRecord<String, String> record) {
        intake.process(Channels.ANALYSES, VERDICTS, record, type -> type.startsWith(EventTypes.ANALYSIS_FINISHED_PREFIX),
                event -> {
                    AnalysisVerdictEvent verdict = AnalysisVerdictEvent.from(event);
                    if (verdict.stepVerdict()) {
                        rollouts.verdict(verdict);
                    } else {
                        deployments.verdict(verdict);
                    }
                });
        // a step verdict may have made an executor call due: run it now, after the intake's commit
        runner.wake();
    }

    @Incoming(Channels.ANOMALIES)
    @Blocking
    public void anomaly(ConsumerRecord<String, String> record) {
        intake.process(Channels.ANOMALIES, ANOMALIES, record, type -> type.startsWith(EventTypes.INCIDENT_DETECTED_PREFIX),
                event -> deployments.anomaly(CdEvent.requiredText(event.cdEvent().document(), "/customData/deploymentId"),
                        event.id()));
    }
}
