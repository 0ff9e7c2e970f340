package dev.lifeguard.postmortem.report;

import dev.lifeguard.postmortem.event.ApprovalRequested;
import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.postmortem.event.DecisionEvent;
import dev.lifeguard.postmortem.event.DecisionExplanation;
import dev.lifeguard.postmortem.event.DecisionSubject;
import dev.lifeguard.postmortem.event.RollbackDecided;
import dev.lifeguard.postmortem.event.RollbackEscalated;
import dev.lifeguard.postmortem.event.RollbackRequested;
import dev.lifeguard.postmortem.event.StormGuardTripped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One rollback decision of a chain as rollback-service told it: what it is now and why (rule, reason, explanation),
 * what it was first when it changed, and its approval story (requested, deadline, who settled it, timeout,
 * escalations) and storm-guard trip. Told from the chain's stored events each time it is read, sorted by event time,
 * so that it does not depend on the order they arrived in; a redelivered event was never stored twice.
 */
public record DecisionStory(String decisionId, String decision, String rule, String reason, OffsetDateTime decidedAt,
                            OffsetDateTime changedAt, String originalDecision, String originalRule,
                            String originalReason, String deploymentId, String fromVersion, String toVersion,
                            String anomalyId, String analysisId, DecisionExplanation explanation, Approval approval,
                            List<Escalation> escalations, GuardTrip guardTripped) {

    public static final String APPROVED = "approved";
    public static final String REJECTED = "rejected";
    public static final String TIMED_OUT = "timed-out";
    public static final String PENDING = "pending";

    /** Whether the decision changed after it was first taken (approved, rejected, settled by the timeout). */
    public boolean changed() {
        return originalDecision != null;
    }

    /**
     * The chain's decisions, the first decided first. A decision known only from its rollback request (a
     * rollback-service that sent no decided event) is told from that request.
     */
    public static List<DecisionStory> tell(List<ChainEvent> events) {
        Map<String, List<ChainEvent>> byDecision = new LinkedHashMap<>();
        for (ChainEvent event : events) {
            String id = event.details() instanceof DecisionEvent decision ? decision.subject().decisionId()
                    : event.details() instanceof RollbackRequested request ? request.decisionId() : null;
            if (id != null) {
                byDecision.computeIfAbsent(id, ignored -> new ArrayList<>()).add(event);
            }
        }
        List<DecisionStory> stories = new ArrayList<>();
        byDecision.forEach((id, decisionEvents) -> of(id, decisionEvents).ifPresent(stories::add));
        stories.sort(Comparator.comparing((DecisionStory story) -> story.decidedAt().toInstant())
                .thenComparing(DecisionStory::decisionId));
        return stories;
    }

    /** The decision that tells where the chain stands: the one that changed last. */
    public static Optional<DecisionStory> latest(List<DecisionStory> stories) {
        return stories.stream().max(Comparator.comparing((DecisionStory story) -> story.changedAt().toInstant())
                .thenComparing(story -> story.decidedAt().toInstant()).thenComparing(DecisionStory::decisionId));
    }

    private static Optional<DecisionStory> of(String id, List<ChainEvent> events) {
        List<ChainEvent> decided = sorted(events, RollbackDecided.class);
        Optional<ChainEvent> request = sorted(events, RollbackRequested.class).stream().reduce((first, last) -> last);
        if (decided.isEmpty() && request.isPresent()) {
            return request.map(event -> fromRequest(id, event, (RollbackRequested) event.details()));
        }
        List<ChainEvent> told = decided.isEmpty() ? sorted(events, DecisionEvent.class) : decided;
        ChainEvent first = told.stream().filter(event -> !(event.details() instanceof RollbackDecided decision)
                || !decision.isChange()).findFirst().orElse(told.get(0));
        ChainEvent last = decided.isEmpty() ? first : told.get(told.size() - 1);
        DecisionSubject now = ((DecisionEvent) last.details()).subject();
        DecisionSubject original = ((DecisionEvent) first.details()).subject();
        boolean changed = first != last;
        List<Escalation> escalations = sorted(events, RollbackEscalated.class).stream().map(event -> {
            RollbackEscalated escalated = (RollbackEscalated) event.details();
            return new Escalation(event.time(), escalated.escalationTeam(), escalated.because(), escalated.then(),
                    escalated.subject().explanation().reason());
        }).toList();
        GuardTrip trip = sorted(events, StormGuardTripped.class).stream().findFirst().map(event -> {
            StormGuardTripped tripped = (StormGuardTripped) event.details();
            return new GuardTrip(event.time(), tripped.count(), tripped.limit(), tripped.window(), tripped.since());
        }).orElse(null);
        return Optional.of(new DecisionStory(id, now.decision(), now.explanation().rule(), now.explanation().reason(),
                first.time(), last.time(), changed ? original.decision() : null,
                changed ? original.explanation().rule() : null, changed ? original.explanation().reason() : null,
                now.deploymentId(), now.fromVersion(), now.toVersion(), now.anomalyId(), now.analysisId(),
                now.explanation(), approval(events, decided, now).orElse(null), escalations, trip));
    }

    /**
     * Told when approval was asked (approval-requested, or a decision that awaited it) or a person settled a held
     * decision; empty otherwise.
     */
    private static Optional<Approval> approval(List<ChainEvent> events, List<ChainEvent> decided, DecisionSubject now) {
        Optional<ChainEvent> requested = sorted(events, ApprovalRequested.class).stream().findFirst();
        Optional<ChainEvent> awaited = decided.stream()
                .filter(event -> "AWAITING_APPROVAL".equals(((RollbackDecided) event.details()).subject().decision()))
                .findFirst();
        Optional<ChainEvent> settled = decided.stream()
                .filter(event -> ((RollbackDecided) event.details()).settledByPerson()).reduce((first, last) -> last);
        Optional<ChainEvent> timedOut = decided.stream()
                .filter(event -> ((RollbackDecided) event.details()).settledByTimeout()).findFirst();
        if (requested.isEmpty() && awaited.isEmpty() && settled.isEmpty() && timedOut.isEmpty()) {
            return Optional.empty();
        }
        ApprovalRequested request = requested.map(event -> (ApprovalRequested) event.details()).orElse(null);
        RollbackDecided settlement = settled.map(event -> (RollbackDecided) event.details()).orElse(null);
        String outcome = settlement != null ? settlement.subject().decision().equals("APPROVED") ? APPROVED : REJECTED
                : timedOut.isPresent() ? TIMED_OUT : PENDING;
        return Optional.of(new Approval(
                requested.or(() -> awaited).map(ChainEvent::time).orElse(null),
                request == null ? null : request.deadline(),
                request == null ? null : request.timeout(),
                request == null ? null : request.onTimeout(),
                request == null ? null : request.escalationTeam(),
                outcome,
                settlement == null ? null : settlement.settledBy(),
                settled.map(ChainEvent::time).orElse(null),
                settlement == null ? null : settlement.settleReason(),
                timedOut.map(ChainEvent::time).orElse(null),
                timedOut.map(event -> ((RollbackDecided) event.details()).subject().decision()).orElse(null),
                PENDING.equals(outcome) ? now.decision() : null));
    }

    private static DecisionStory fromRequest(String id, ChainEvent event, RollbackRequested request) {
        DecisionExplanation explanation = request.explanation();
        return new DecisionStory(id, request.decisionOrDefault(), explanation == null ? null : explanation.rule(),
                explanation == null ? request.reason() : explanation.reason(), event.time(), event.time(), null, null,
                null, null, request.fromVersion(), request.toVersion(), null, null, explanation, null, List.of(), null);
    }

    /**
     * The events of one type by event time; a change after the decision it changes at the same instant; then by event
     * id, so that the order never depends on arrival.
     */
    private static List<ChainEvent> sorted(List<ChainEvent> events, Class<?> type) {
        return events.stream().filter(event -> type.isInstance(event.details()))
                .sorted(Comparator.comparing((ChainEvent event) -> event.time().toInstant())
                        .thenComparing(event -> event.details() instanceof RollbackDecided decided && decided.isChange())
                        .thenComparing(ChainEvent::id))
                .toList();
    }

    /**
     * {@code outcome} approved, rejected (by {@code settledBy} at {@code settledAt} for {@code settleReason}),
     * timed-out (at {@code timedOutAt}, then {@code afterTimeout}: ROLL_BACK or HELD) or pending (still
     * {@code waitingAs}: AWAITING_APPROVAL or HELD). A held decision approved after its timeout has both.
     */
    public record Approval(OffsetDateTime requestedAt, OffsetDateTime deadline, String timeout, String onTimeout,
                           String escalationTeam, String outcome, String settledBy, OffsetDateTime settledAt,
                           String settleReason, OffsetDateTime timedOutAt, String afterTimeout, String waitingAs) {
    }

    /** Told to {@code team} {@code because} approval-timeout or depth-guard; {@code then} rollback or hold. */
    public record Escalation(OffsetDateTime at, String team, String because, String then, String reason) {
    }

    /** The storm guard tripped with this decision: {@code count} automatic rollbacks within {@code window}. */
    public record GuardTrip(OffsetDateTime at, int count, int limit, String window, String since) {
    }
}
