package dev.lifeguard.monitor.stream;

import dev.lifeguard.monitor.event.DeploymentRolledBackEvent;
import dev.lifeguard.monitor.event.DeploymentStartedEvent;
import dev.lifeguard.monitor.event.EventTypes;
import dev.lifeguard.monitor.event.RolloutEvent;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.event.MalformedEventException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads deploy-service's lifecycle events: deployed and upgraded start an analysis, rolled back ends one and starts
 * the restored version's anew (not after a rollout's abort: the stable version never stopped); a rollout step with an
 * analysis starts a step analysis, a rollout aborted or promoted ends it. Other types (and steps without analysis)
 * pass by. An unreadable record is dead-lettered with the reason, like every
 * Lifeguard consumer does.
 */
final class DeploymentReadProcessor implements Processor<String, String, String, DeploymentRead> {

    static final String CONSUMER = "monitor-service/analysis-engine";

    private final CloudEventReader reader;
    private ProcessorContext<String, DeploymentRead> context;

    DeploymentReadProcessor(CloudEventReader reader) {
        this.reader = reader;
    }

    @Override
    public void init(ProcessorContext<String, DeploymentRead> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, String> record) {
        DeploymentChange change;
        try {
            CloudEvent event = reader.read(record.value(), record.headers());
            if (EventTypes.isRolloutChange(event.type())) {
                change = rolloutChange(RolloutEvent.from(event));
                if (change == null) {
                    return;
                }
            } else if (EventTypes.isServiceDeployment(event.type())) {
                DeploymentStartedEvent started = DeploymentStartedEvent.from(event);
                String stable = CdEvent.textOrNull(event.cdEvent().document().at("/customData/stableVersion"));
                change = DeploymentChange.started(started.eventId(), started.chainId(), started.deploymentId(),
                        started.service(), started.environment(), started.version(), stable, started.artifactId(),
                        started.deployedAt().toInstant().toEpochMilli());
            } else if (EventTypes.isServiceRollback(event.type())) {
                DeploymentRolledBackEvent rolledBack = DeploymentRolledBackEvent.from(event);
                change = new DeploymentChange(DeploymentChange.Kind.ROLLED_BACK, rolledBack.eventId(),
                        rolledBack.chainId(), rolledBack.rolledBackDeploymentId(), rolledBack.service(),
                        rolledBack.environment(), rolledBack.toVersion(), null, rolledBack.restoredArtifactId(),
                        rolledBack.rolledBackAt() != null ? rolledBack.rolledBackAt().toInstant().toEpochMilli()
                                : record.timestamp(), rolledBack.rollbackId(), rolledBack.restoredDeploymentId(),
                        event.cdEvent().document().at("/customData/rolloutAborted").asBoolean(false)
                                ? new DeploymentChange.Rollout(null, null, null, true, null) : null);
            } else {
                return;
            }
        } catch (MalformedEventException e) {
            context.forward(record.withValue(new DeploymentRead(null, record.value(), e.getMessage()))
                    .withHeaders(DeadLetterHeaders.of(record.headers(), CONSUMER, e.getMessage(),
                            e.getClass().getName(), context.recordMetadata())));
            return;
        }
        context.forward(record.withKey(change.target()).withValue(new DeploymentRead(change, null, null)));
    }

    private static DeploymentChange rolloutChange(RolloutEvent rollout) {
        DeploymentChange.Kind kind = switch (rollout.kind()) {
            case STEP_STARTED -> DeploymentChange.Kind.STEP_STARTED;
            case ABORTED -> DeploymentChange.Kind.ROLLOUT_ABORTED;
            case PROMOTED -> DeploymentChange.Kind.ROLLOUT_PROMOTED;
        };
        if (kind == DeploymentChange.Kind.STEP_STARTED && !rollout.asksForAnalysis()) {
            return null;
        }
        return new DeploymentChange(kind, rollout.eventId(), rollout.chainId(), rollout.deploymentId(),
                rollout.service(), rollout.environment(), rollout.version(), rollout.stableVersion(),
                rollout.artifactId() != null ? rollout.artifactId()
                        : "pkg:generic/" + rollout.service() + "@" + rollout.version(),
                rollout.at().toInstant().toEpochMilli(), null, null,
                new DeploymentChange.Rollout(rollout.stepIndex(), rollout.analysisId(),
                        rollout.window() != null ? rollout.window().toMillis() : null, false, rollout.reason()));
    }
}
