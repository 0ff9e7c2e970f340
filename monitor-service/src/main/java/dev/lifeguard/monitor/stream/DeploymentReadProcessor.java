package dev.lifeguard.monitor.stream;

import dev.lifeguard.monitor.event.DeploymentRolledBackEvent;
import dev.lifeguard.monitor.event.DeploymentStartedEvent;
import dev.lifeguard.monitor.event.EventTypes;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.event.MalformedEventException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads deploy-service's lifecycle events: deployed and upgraded start an analysis, rolled back ends one and starts
 * the restored version's anew. Other types pass by. An unreadable record is dead-lettered with the reason, like every
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
            if (EventTypes.isServiceDeployment(event.type())) {
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
                                : record.timestamp(), rolledBack.rollbackId(), rolledBack.restoredDeploymentId());
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
}
