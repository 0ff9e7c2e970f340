package dev.lifeguard.notify.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.notify.event.AnalysisFinishedEvent.MetricVerdict;
import dev.lifeguard.notify.event.AnalysisFinishedEvent.Outcome;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.EventTarget;
import dev.lifeguard.support.event.MalformedEventException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the events notify-service announces. Tolerant: only what a message cannot do without is
 * required (service, environment, the versions of a rollback, the version a failed rollback left running, an
 * analysis' outcome and version, a decision's id, version and outcome); everything else may be missing.
 * Service and environment come from customData, else the CDEvent subject content, else the CloudEvent
 * subject {@code <service>/<environment>}.
 */
public final class NotifiableEvents {

    private NotifiableEvents() {
    }

    /** Types a team is told about; other events on the consumed topics are skipped. */
    public static boolean isNotifiable(String type) {
        return readerFor(type) != null;
    }

    /** The event, or empty for a type no team is told about; throws {@link MalformedEventException}. */
    public static Optional<NotifiableEvent> from(CloudEvent event) {
        Function<CloudEvent, NotifiableEvent> reader = readerFor(event.type());
        return reader == null ? Optional.empty() : Optional.of(reader.apply(event));
    }

    private static Function<CloudEvent, NotifiableEvent> readerFor(String type) {
        if (type.startsWith(EventTypes.SERVICE_DEPLOYED_PREFIX) || type.startsWith(EventTypes.SERVICE_UPGRADED_PREFIX)) {
            return NotifiableEvents::deployment;
        }
        if (type.startsWith(EventTypes.SERVICE_ROLLEDBACK_PREFIX)) {
            return NotifiableEvents::rolledBack;
        }
        if (type.startsWith(EventTypes.INCIDENT_DETECTED_PREFIX)) {
            return NotifiableEvents::anomaly;
        }
        if (type.startsWith(EventTypes.ROLLBACK_REQUESTED_PREFIX)) {
            return NotifiableEvents::rollbackRequested;
        }
        if (type.startsWith(EventTypes.ANALYSIS_FINISHED_PREFIX)) {
            return NotifiableEvents::analysisFinished;
        }
        if (type.startsWith(EventTypes.ROLLBACK_FAILED_PREFIX)) {
            return NotifiableEvents::rollbackFailed;
        }
        if (type.startsWith(EventTypes.ROLLBACK_SKIPPED_PREFIX)) {
            return NotifiableEvents::rollbackSkipped;
        }
        if (type.startsWith(EventTypes.ROLLBACK_ACCEPTED_PREFIX)) {
            return NotifiableEvents::rollbackAccepted;
        }
        if (type.startsWith(EventTypes.ROLLBACK_DECIDED_PREFIX)) {
            return NotifiableEvents::rollbackDecided;
        }
        if (type.startsWith(EventTypes.APPROVAL_REQUESTED_PREFIX)) {
            return NotifiableEvents::approvalRequested;
        }
        if (type.startsWith(EventTypes.ROLLBACK_ESCALATED_PREFIX)) {
            return NotifiableEvents::rollbackEscalated;
        }
        if (type.startsWith(EventTypes.GUARD_TRIPPED_PREFIX)) {
            return NotifiableEvents::guardTripped;
        }
        RolloutEvent.Kind rollout = RolloutEvent.Kind.ofType(type);
        if (rollout != null) {
            return event -> rollout(event, rollout);
        }
        // Anything else (service.removed, incident.resolved...) is no news for a team: skipped, never dead-lettered.
        return null;
    }

    private static DeploymentEvent deployment(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        JsonNode custom = cd.customData();
        String version = firstText(text(custom, "version"), versionOf(text(cd.content(), "artifactId")));
        EventTarget target = EventTarget.of(event);
        return new DeploymentEvent(event, target.service(), target.environment(),
                required(version, "customData.version (or a versioned subject.content.artifactId)"),
                text(custom, "previousVersion"), text(custom, "commit"), text(custom, "changeUrl"),
                text(custom, "deploymentId"), text(custom.path("strategy"), "type"), texts(custom.path("fixes")));
    }

    private static RolledBackEvent rolledBack(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        JsonNode custom = cd.customData();
        String toVersion = firstText(text(custom, "toVersion"), versionOf(text(cd.content(), "artifactId")));
        EventTarget target = EventTarget.of(event);
        return new RolledBackEvent(event, target.service(), target.environment(), text(custom, "fromVersion"),
                required(toVersion, "customData.toVersion (or a versioned subject.content.artifactId)"),
                text(custom, "reason"), text(custom, "rollbackId"), text(custom, "executor"),
                text(custom, "reportedBy"), custom.path("rolloutAborted").asBoolean(false));
    }

    /** The failing version is what the message is about ("still runs 2.0.0"), so it is required; the rest is not. */
    private static RollbackFailedEvent rollbackFailed(CloudEvent event) {
        JsonNode content = event.cdEvent().content();
        EventTarget target = EventTarget.of(event);
        JsonNode attempts = content.path("attempts");
        return new RollbackFailedEvent(event, target.service(), target.environment(), rollbackId(event),
                required(text(content, "fromVersion"), "subject.content.fromVersion"), text(content, "toVersion"),
                text(content, "reason"), text(content, "executor"), text(content, "detail"),
                attempts.canConvertToInt() ? attempts.intValue() : null);
    }

    private static RollbackSkippedEvent rollbackSkipped(CloudEvent event) {
        JsonNode content = event.cdEvent().content();
        EventTarget target = EventTarget.of(event);
        return new RollbackSkippedEvent(event, target.service(), target.environment(), rollbackId(event),
                text(content, "fromVersion"), text(content, "toVersion"), text(content, "reason"),
                text(content, "executor"), text(content, "detail"));
    }

    private static RollbackAcceptedEvent rollbackAccepted(CloudEvent event) {
        JsonNode content = event.cdEvent().content();
        EventTarget target = EventTarget.of(event);
        return new RollbackAcceptedEvent(event, target.service(), target.environment(), rollbackId(event),
                text(content, "fromVersion"), text(content, "toVersion"), text(content, "reason"),
                text(content, "executor"), text(content, "detail"), text(content, "completeUrl"));
    }

    /** The rollback outcomes name their rollback in the content and as their subject id. */
    private static String rollbackId(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        return firstText(text(cd.content(), "rollbackId"), text(cd.subject(), "id"));
    }

    private static AnomalyEvent anomaly(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        JsonNode custom = cd.customData();
        JsonNode threshold = custom.path("threshold");
        List<Double> observed = new ArrayList<>();
        custom.path("observedValues").forEach(value -> {
            if (value.isNumber()) {
                observed.add(value.asDouble());
            }
        });
        EventTarget target = EventTarget.of(event);
        return new AnomalyEvent(event, target.service(), target.environment(),
                firstText(text(custom, "version"), versionOf(text(cd.content(), "artifactId"))),
                firstText(text(cd.content(), "description"), text(custom, "rule")),
                text(custom, "metric"), threshold.isNumber() ? threshold.asDouble() : null, observed,
                firstText(text(custom, "anomalyId"), text(cd.subject(), "id")));
    }

    /** The decision and explanation are optional: requests from before decisions were explained carry neither. */
    private static RollbackRequestedEvent rollbackRequested(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        JsonNode content = cd.content();
        EventTarget target = EventTarget.of(event);
        String decision = text(content, "decision");
        return new RollbackRequestedEvent(event, target.service(), target.environment(),
                required(text(content, "fromVersion"), "subject.content.fromVersion"),
                required(text(content, "toVersion"), "subject.content.toVersion"),
                text(content, "reason"), text(cd.subject(), "id"),
                decision == null ? null : decision(decision, "subject.content.decision"),
                explanation(content.path("explanation")));
    }

    private static RollbackDecidedEvent rollbackDecided(CloudEvent event) {
        JsonNode content = event.cdEvent().content();
        EventTarget target = EventTarget.of(event);
        String previous = text(content, "previousDecision");
        return new RollbackDecidedEvent(event, target.service(), target.environment(), decisionFacts(event),
                previous == null ? null : decision(previous, "subject.content.previousDecision"),
                text(content, "settledBy"), text(content, "settleReason"));
    }

    private static ApprovalRequestedEvent approvalRequested(CloudEvent event) {
        JsonNode approval = event.cdEvent().content().path("approval");
        EventTarget target = EventTarget.of(event);
        return new ApprovalRequestedEvent(event, target.service(), target.environment(), decisionFacts(event),
                new ApprovalRequestedEvent.Approval(text(approval, "deadline"), text(approval, "timeout"),
                        text(approval, "onTimeout"), text(approval, "escalationTeam"), text(approval, "approveUrl"),
                        text(approval, "rejectUrl")));
    }

    private static RollbackEscalatedEvent rollbackEscalated(CloudEvent event) {
        JsonNode content = event.cdEvent().content();
        EventTarget target = EventTarget.of(event);
        DecisionFacts facts = decisionFacts(event);
        String team = firstText(text(content, "escalationTeam"),
                facts.explanation() != null && facts.explanation().policy() != null
                        ? facts.explanation().policy().escalationTeam() : null);
        return new RollbackEscalatedEvent(event, target.service(), target.environment(), facts, team,
                text(content, "escalatedBecause"), text(content, "then"));
    }

    private static GuardTrippedEvent guardTripped(CloudEvent event) {
        JsonNode content = event.cdEvent().content();
        EventTarget target = EventTarget.of(event);
        return new GuardTrippedEvent(event, target.service(), target.environment(), decisionFacts(event),
                integer(content, "count"), integer(content, "limit"), text(content, "window"), text(content, "since"));
    }

    /**
     * What each decision event is about. The decision id (the CDEvents subject id) names it in the commands people
     * answer with, the failing version is what the message is about, and the decision is what it says: those three
     * are required, and the decision must be one rollback-service makes. The rest may be missing.
     */
    private static DecisionFacts decisionFacts(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        JsonNode content = cd.content();
        return new DecisionFacts(required(text(cd.subject(), "id"), "subject.id"), text(content, "deploymentId"),
                required(text(content, "fromVersion"), "subject.content.fromVersion"), text(content, "toVersion"),
                decision(required(text(content, "decision"), "subject.content.decision"), "subject.content.decision"),
                text(content, "anomalyId"), text(content, "analysisId"), explanation(content.path("explanation")));
    }

    private static Decision decision(String text, String field) {
        Decision decision = Decision.parse(text);
        if (decision == null) {
            throw new MalformedEventException("field '" + field + "' must be one of ROLL_BACK, SKIPPED, HELD,"
                    + " AWAITING_APPROVAL, APPROVED, REJECTED, DRY_RUN, MANUAL: '" + text + "'");
        }
        return decision;
    }

    /** Null when there is no explanation or it has no reason: a rule and a policy alone tell a team nothing. */
    private static Explanation explanation(JsonNode explanation) {
        String reason = text(explanation, "reason");
        if (reason == null) {
            return null;
        }
        JsonNode policy = explanation.path("policy");
        List<Explanation.Source> sources = new ArrayList<>();
        policy.path("sources").forEach(source -> sources.add(new Explanation.Source(text(source, "scope"),
                text(source, "environment"), text(source, "service"), integer(source, "version"))));
        JsonNode inputs = explanation.path("inputs");
        JsonNode storm = inputs.path("stormGuard");
        JsonNode freeze = inputs.path("freezeWindow");
        return new Explanation(text(explanation, "rule"), reason,
                policy.isObject() ? new Explanation.Policy(sources, text(policy, "mode"),
                        text(policy, "onApprovalTimeout"), text(policy, "approvalTimeout"),
                        text(policy, "escalationTeam"), integer(policy, "maxDepth"),
                        integer(policy, "maxRollbacksPerHour")) : null,
                inputs.isObject() ? new Explanation.Inputs(text(inputs, "trigger"), text(inputs, "evidence"),
                        text(inputs, "verdict"), integer(inputs, "depth"), text(inputs, "restoredBy"),
                        text(inputs, "openExecution"),
                        storm.isObject() ? new Explanation.StormGuard(integer(storm, "count"), integer(storm, "limit"),
                                text(storm, "window"), text(storm, "since")) : null,
                        freeze.isObject() ? firstText(text(freeze, "reason"), "a freeze window") : null,
                        text(inputs, "cooldownUntil"), text(inputs, "requestedBy"), text(inputs, "wouldBe")) : null);
    }

    private static AnalysisFinishedEvent analysisFinished(CloudEvent event) {
        EventTarget target = EventTarget.of(event);
        CdEvent cd = event.cdEvent();
        JsonNode content = cd.content();
        Outcome outcome = outcome(text(content, "outcome"), "subject.content.outcome");
        // A metric entry the message cannot name is left out rather than losing the team's word on the verdict.
        List<MetricVerdict> metrics = new ArrayList<>();
        for (JsonNode metric : content.path("metrics")) {
            metricVerdict(metric).ifPresent(metrics::add);
        }
        JsonNode samples = content.path("samples");
        return new AnalysisFinishedEvent(event, target.service(), target.environment(),
                firstText(text(content, "deploymentId"), text(cd.subject(), "id")),
                required(text(content, "version"), "subject.content.version"), text(content, "stableVersion"),
                outcome, text(content, "reason"), text(content, "endedBy"),
                samples.canConvertToInt() ? samples.intValue() : null, text(content, "anomalyId"), metrics,
                text(content, "analysisId"), integer(content, "rolloutStep"));
    }

    /**
     * The version is what every rollout message is about, so it is required; a started step must say what kind of
     * step it is. Everything else may be missing (the message says less).
     */
    private static RolloutEvent rollout(CloudEvent event, RolloutEvent.Kind kind) {
        CdEvent cd = event.cdEvent();
        JsonNode content = cd.content();
        EventTarget target = EventTarget.of(event);
        JsonNode evidence = content.path("evidence");
        JsonNode step = content.path("step");
        JsonNode analysis = content.path("analysis");
        RolloutEvent.Step started = null;
        if (kind == RolloutEvent.Kind.STEP_STARTED) {
            started = new RolloutEvent.Step(required(text(step, "kind"), "subject.content.step.kind"),
                    integer(step, "weight"), text(step, "duration"));
        }
        return new RolloutEvent(event, target.service(), target.environment(), kind,
                firstText(text(content, "deploymentId"), text(cd.subject(), "id")),
                required(text(content, "version"), "subject.content.version"), text(content, "stableVersion"),
                text(content.path("strategy"), "type"), integer(content, "stepIndex"), integer(content, "stepCount"),
                integer(content, "weight"), texts(content.path("fixes")), text(content, "requestedBy"),
                text(content, "reason"), texts(content.path("requiredSuites")), text(content, "rollbackId"),
                text(content, "releasedBy"),
                evidence.isObject() ? new RolloutEvent.Evidence(integer(evidence, "passed"),
                        integer(evidence, "failed"), texts(evidence.path("suites")), text(evidence, "source")) : null,
                started,
                analysis.isObject() && text(analysis, "analysisId") != null
                        ? new RolloutEvent.Analysis(text(analysis, "analysisId"), text(analysis, "window")) : null,
                text(content, "pausedBy"), text(content, "promotedBy"), text(content, "previousVersion"),
                text(content, "abortedBy"));
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : null;
    }

    /** The non-empty texts of an array; anything else reads as none. */
    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> {
            String text = CdEvent.textOrNull(item);
            if (text != null) {
                texts.add(text);
            }
        });
        return texts;
    }

    private static Optional<MetricVerdict> metricVerdict(JsonNode metric) {
        String name = text(metric, "metric");
        Outcome verdict = Outcome.parse(text(metric, "verdict"));
        if (name == null || verdict == null) {
            return Optional.empty();
        }
        List<Double> evidence = new ArrayList<>();
        metric.path("evidence").forEach(sample -> {
            if (sample.path("value").isNumber()) {
                evidence.add(sample.path("value").asDouble());
            }
        });
        JsonNode statistic = metric.path("statistic");
        JsonNode providerErrors = metric.path("providerErrors");
        return Optional.of(new MetricVerdict(name, text(metric, "detector"), verdict,
                statistic.isNumber() ? statistic.asDouble() : null, text(metric, "reason"), evidence,
                providerErrors.canConvertToInt() ? providerErrors.intValue() : 0));
    }

    private static Outcome outcome(String text, String field) {
        Outcome outcome = Outcome.parse(required(text, field));
        if (outcome == null) {
            throw new MalformedEventException("field '" + field + "' must be passed, failed or inconclusive: '" + text
                    + "'");
        }
        return outcome;
    }

    /** The version in a package URL ({@code pkg:type/name@version?...}), if it has one. */
    static String versionOf(String purl) {
        if (purl == null || !purl.contains("@")) {
            return null;
        }
        String version = purl.substring(purl.lastIndexOf('@') + 1).split("[?#]", 2)[0];
        return version.isBlank() ? null : version;
    }

    private static String text(JsonNode node, String field) {
        return CdEvent.textOrNull(node.get(field));
    }

    private static String firstText(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }

    private static String required(String value, String field) {
        if (value == null) {
            throw new MalformedEventException("missing or empty field '" + field + "'");
        }
        return value;
    }
}
