package dev.lifeguard.postmortem.rest.dto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.event.DecisionExplanation;
import dev.lifeguard.postmortem.report.DecisionStory;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A rollback decision of the incident's chain: {@code decision} (ROLL_BACK, SKIPPED, HELD, AWAITING_APPROVAL,
 * APPROVED, REJECTED, DRY_RUN, MANUAL) with the {@code rule} and {@code reason} that gave it; when it changed, what it
 * was first ({@code originalDecision}, {@code originalRule}, {@code originalReason}). From the explanation:
 * {@code policySources} (scope + version; empty: no stored policy), {@code policyMode}, {@code stormGuard},
 * {@code freezeWindow}, {@code cooldownUntil}, {@code depth}, {@code wouldBe} (dry run), and the whole
 * {@code explanation} as rollback-service sent it. {@code approval}, {@code escalations} and {@code guardTripped} tell
 * the rest; null (empty) when there was none.
 */
public record DecisionView(String decisionId, String decision, String rule, String reason, OffsetDateTime decidedAt,
                           OffsetDateTime changedAt, String originalDecision, String originalRule,
                           String originalReason, String trigger, String deploymentId, String fromVersion,
                           String toVersion, String anomalyId, String analysisId,
                           List<DecisionExplanation.PolicySource> policySources, String policyMode,
                           DecisionExplanation.StormGuard stormGuard, JsonNode freezeWindow, String cooldownUntil,
                           Integer depth, String wouldBe, JsonNode explanation, DecisionStory.Approval approval,
                           List<DecisionStory.Escalation> escalations, DecisionStory.GuardTrip guardTripped) {

    public static DecisionView of(DecisionStory story) {
        DecisionExplanation explanation = story.explanation();
        boolean explained = explanation != null;
        return new DecisionView(story.decisionId(), story.decision(), story.rule(), story.reason(), story.decidedAt(),
                story.changedAt(), story.originalDecision(), story.originalRule(), story.originalReason(),
                explained ? explanation.trigger() : null, story.deploymentId(), story.fromVersion(), story.toVersion(),
                story.anomalyId(), story.analysisId(), explained ? explanation.sources() : List.of(),
                explained ? explanation.mode() : null, explained ? explanation.stormGuard() : null,
                explained ? explanation.freezeWindow() : null, explained ? explanation.cooldownUntil() : null,
                explained ? explanation.depth() : null, explained ? explanation.wouldBe() : null,
                explained ? explanation.document() : null, story.approval(), story.escalations(),
                story.guardTripped());
    }
}
