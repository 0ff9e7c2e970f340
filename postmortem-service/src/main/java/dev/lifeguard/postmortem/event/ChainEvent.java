package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.EventTarget;
import dev.lifeguard.support.event.MalformedEventException;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Function;

/**
 * An event of a chain as the read model needs it: when it happened, which service and environment it is
 * about, and its type-specific details. Any Lifeguard stream may carry it; what cannot be placed on a
 * timeline (no chain id, no time, no target) is malformed.
 */
public record ChainEvent(CloudEvent cloudEvent, String service, String environment, EventDetails details) {

    /** Types that belong on a timeline; other events on the consumed topics are skipped. */
    public static boolean isTimelineEvent(String type) {
        return detailsReader(type) != null;
    }

    /** The chain event, or empty when its type is none the timeline shows. */
    public static Optional<ChainEvent> read(CloudEvent event) {
        Function<CdEvent, EventDetails> detailsReader = detailsReader(event.type());
        if (detailsReader == null) {
            return Optional.empty();
        }
        EventDetails details = detailsReader.apply(event.cdEvent());
        if (event.chainId() == null) {
            throw new MalformedEventException("missing chain id (CloudEvent 'chainid' or CDEvent 'context.chainId')");
        }
        if (event.time() == null) {
            throw new MalformedEventException("missing CloudEvent 'time'");
        }
        EventTarget target = EventTarget.of(event);
        return Optional.of(new ChainEvent(event, target.service(), target.environment(), details));
    }

    public String id() {
        return cloudEvent.id();
    }

    public String chainId() {
        return cloudEvent.chainId();
    }

    public OffsetDateTime time() {
        return cloudEvent.time();
    }

    private static Function<CdEvent, EventDetails> detailsReader(String type) {
        if (type.startsWith(EventTypes.SERVICE_DEPLOYED_PREFIX)) {
            return cdEvent -> DeploymentReported.from(cdEvent, false);
        }
        if (type.startsWith(EventTypes.SERVICE_UPGRADED_PREFIX)) {
            return cdEvent -> DeploymentReported.from(cdEvent, true);
        }
        if (type.startsWith(EventTypes.INCIDENT_DETECTED_PREFIX)) {
            return AnomalyDetected::from;
        }
        if (type.startsWith(EventTypes.ANALYSIS_FINISHED_PREFIX)) {
            return AnalysisFinished::from;
        }
        if (type.startsWith(EventTypes.ROLLBACK_REQUESTED_PREFIX)) {
            return RollbackRequested::from;
        }
        if (type.startsWith(EventTypes.ROLLBACK_DECIDED_PREFIX)) {
            return RollbackDecided::from;
        }
        if (type.startsWith(EventTypes.APPROVAL_REQUESTED_PREFIX)) {
            return ApprovalRequested::from;
        }
        if (type.startsWith(EventTypes.ROLLBACK_ESCALATED_PREFIX)) {
            return RollbackEscalated::from;
        }
        if (type.startsWith(EventTypes.STORM_GUARD_TRIPPED_PREFIX)) {
            return StormGuardTripped::from;
        }
        if (type.startsWith(EventTypes.ROLLBACK_FAILED_PREFIX)) {
            return cdEvent -> RollbackOutcome.from(cdEvent, RollbackOutcome.Result.FAILED);
        }
        if (type.startsWith(EventTypes.ROLLBACK_SKIPPED_PREFIX)) {
            return cdEvent -> RollbackOutcome.from(cdEvent, RollbackOutcome.Result.SKIPPED);
        }
        if (type.startsWith(EventTypes.ROLLBACK_ACCEPTED_PREFIX)) {
            return cdEvent -> RollbackOutcome.from(cdEvent, RollbackOutcome.Result.ACCEPTED);
        }
        if (type.startsWith(EventTypes.SERVICE_ROLLEDBACK_PREFIX)) {
            return ServiceRolledBack::from;
        }
        RolloutReported.Kind rollout = RolloutReported.Kind.ofType(type);
        if (rollout != null) {
            return cdEvent -> RolloutReported.from(cdEvent, rollout);
        }
        if (type.startsWith(EventTypes.NOTIFICATION_PUBLISHED_PREFIX)) {
            return NotificationPublished::from;
        }
        // Anything else (service.removed of a retired target, incident.resolved...) is no part of a timeline:
        // skipped, never dead-lettered.
        return null;
    }
}
