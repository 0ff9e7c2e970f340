package dev.lifeguard.deploy.messaging;

import dev.lifeguard.deploy.event.CiDeploymentEvent;
import dev.lifeguard.deploy.event.CiRollbackEvent;
import dev.lifeguard.deploy.event.EventTypes;
import dev.lifeguard.deploy.service.DeploymentService;
import dev.lifeguard.deploy.service.DeploymentOptions;
import dev.lifeguard.deploy.service.RollbackRunner;
import dev.lifeguard.deploy.service.Rollouts;
import dev.lifeguard.deploy.event.TestSuiteRunEvent;
import dev.lifeguard.deploy.service.ReportedDeployment;
import dev.lifeguard.deploy.service.RollbackExecutions;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.EventIntake;
import dev.lifeguard.support.event.EventTarget;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.regex.Pattern;

/**
 * Reads CI's events in any shape (bare CDEvent, structured or binary CloudEvent): {@code service.deployed} and
 * {@code service.upgraded} record a deployment, {@code service.rolledback} records a rollback (Lifeguard's, completed
 * by CI, or one a person did with their CD tool), {@code service.removed} retires the target,
 * {@code testsuiterun.finished} is test evidence for the redeploy gate (kept also before its deployment arrives). Every other type is
 * CI chatter: ignored and counted ({@code lifeguard_deploy_ci_events_ignored_total}), never dead-lettered.
 * Unreadable records and invalid events of the handled types go to {@code lifeguard.ci.dlq} with the reason.
 */
@ApplicationScoped
public class CiEventConsumer {

    private static final String CONSUMER = "deploy-service/ci";
    /** CDEvents types, version dropped, bound the metric's labels; anything else counts as "other". */
    private static final Pattern CDEVENTS_TYPE = Pattern.compile("(dev\\.cdevents\\.[a-z]+\\.[a-z]+)\\.\\d+\\.\\d+\\.\\d+.*");

    private final EventIntake intake;
    private final DeploymentService deployments;
    private final RollbackExecutions rollbacks;
    private final MeterRegistry meters;
    private final Rollouts rollouts;
    private final RollbackRunner runner;

    public CiEventConsumer(EventIntake intake, DeploymentService deployments, RollbackExecutions rollbacks,
                           MeterRegistry meters, Rollouts rollouts, RollbackRunner runner) {
        this.rollouts = rollouts;
        this.runner = runner;
        this.intake = intake;
        this.deployments = deployments;
        this.rollbacks = rollbacks;
        this.meters = meters;
    }

    @Incoming(Channels.CI)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        intake.process(Channels.CI, CONSUMER, record, this::handled, this::handle);
        // a deployment may have started a rollout, evidence released one: run their executor calls now
        runner.wake();
    }

    private boolean handled(String type) {
        boolean handled = EventTypes.isServiceDeployment(type) || EventTypes.isServiceRollback(type)
                || EventTypes.isServiceRemoval(type) || type.startsWith(TestSuiteRunEvent.TYPE_PREFIX);
        if (!handled) {
            var matcher = CDEVENTS_TYPE.matcher(type);
            meters.counter("lifeguard_deploy_ci_events_ignored_total", "type", matcher.matches() ? matcher.group(1)
                    : "other").increment();
        }
        return handled;
    }

    private void handle(CloudEvent event) {
        if (EventTypes.isServiceDeployment(event.type())) {
            CiDeploymentEvent ci = CiDeploymentEvent.from(event);
            deployments.record(new ReportedDeployment(ci.service(), ci.environment(), ci.version(), ci.artifactId(),
                    ci.team(), ci.commit(), ci.changeUrl(), ci.chainId(), ci.eventId(), null, ci.image(), ci.time()),
                    DeploymentOptions.ci(ci.fixes()));
        } else if (event.type().startsWith(TestSuiteRunEvent.TYPE_PREFIX)) {
            rollouts.evidence(TestSuiteRunEvent.from(event));
        } else if (EventTypes.isServiceRollback(event.type())) {
            rollbacks.rolledBackByCi(CiRollbackEvent.from(event));
        } else {
            var document = event.cdEvent().document();
            deployments.retire(EventTarget.requireName("subject.id", CdEvent.requiredText(document, "/subject/id")),
                    EventTarget.requireName("subject.content.environment.id",
                            CdEvent.requiredText(document, "/subject/content/environment/id")),
                    event.id(), event.chainId());
        }
    }
}
