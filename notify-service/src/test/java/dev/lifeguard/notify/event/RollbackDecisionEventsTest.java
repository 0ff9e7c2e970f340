package dev.lifeguard.notify.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;
import dev.lifeguard.testsupport.EventContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consumer side of rollback-service's decision contracts: every golden example of them parses, with its explanation. */
class RollbackDecisionEventsTest {

    static Stream<Path> decisionExamples() {
        return GoldenEvents.DECISIONS.stream().flatMap(type -> EventContract.examples(type).stream());
    }

    @ParameterizedTest
    @MethodSource("decisionExamples")
    void everyGoldenExampleMeetsItsSchemaAndIsReadWithItsDecisionAndExplanation(Path example) {
        String json = EventContract.read(example);
        assertThat(EventContract.violations(json)).isEmpty();
        CloudEvent cloudEvent = GoldenEvents.read(json);

        RollbackDecisionEvent event = (RollbackDecisionEvent) NotifiableEvents.from(cloudEvent).orElseThrow();

        assertThat(event.service()).isEqualTo("checkout");
        assertThat(event.environment()).isEqualTo("production");
        assertThat(event.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
        DecisionFacts facts = event.facts();
        assertThat(facts.rollbackId()).isEqualTo("rollback-0004");
        assertThat(facts.deploymentId()).isEqualTo("d-0002");
        assertThat(facts.fromVersion()).isEqualTo("2.0.0");
        assertThat(facts.toVersion()).isEqualTo("1.0.0");
        assertThat(facts.anomalyId()).isEqualTo("5a7e9c10-0003-4d2b-8f31-000000000003");
        assertThat(facts.explanation().reason()).isNotBlank();
        assertThat(facts.explanation().policy().sources())
                .containsExactly(new Explanation.Source("environment", "production", null, 3));
        assertThat(facts.explanation().policy().escalationTeam()).isEqualTo("sre-leads");
        assertThat(facts.explanation().inputs().evidence())
                .isEqualTo("error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0");
    }

    @Test
    void decidedExamplesCarryTheirOutcomeAndHowTheyWereSettled() {
        RollbackDecidedEvent awaiting = decided(GoldenEvents.AWAITING);
        assertThat(awaiting.facts().decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(awaiting.facts().rule()).isEqualTo("mode-approval");
        assertThat(awaiting.settlement()).isFalse();

        RollbackDecidedEvent approved = decided(GoldenEvents.APPROVED);
        assertThat(approved.facts().decision()).isEqualTo(Decision.APPROVED);
        assertThat(approved.previousDecision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(approved.settledBy()).isEqualTo("alice");
        assertThat(approved.settleReason()).isEqualTo("error rate is real, go");
        assertThat(approved.settledByAPerson()).isTrue();

        RollbackDecidedEvent held = decided(GoldenEvents.HELD);
        assertThat(held.facts().decision()).isEqualTo(Decision.HELD);
        assertThat(held.facts().rule()).isEqualTo("mode-notify-only");
        assertThat(held.settlement()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            HELD              | mode-notify-only | true
            HELD              | on-inconclusive  | true
            HELD              | approval-timeout | false
            HELD              | depth-guard      | false
            DRY_RUN           | dry-run          | true
            APPROVED          | approved         | true
            REJECTED          | rejected         | true
            ROLL_BACK         | mode-auto        | false
            MANUAL            | manual           | false
            AWAITING_APPROVAL | mode-approval    | false
            SKIPPED           | mode-off         | false
            """)
    void onlyDecisionsNoOtherEventTellsAreWorthTelling(String decision, String rule, boolean told) {
        NotifiableEvent event = NotifiableEvents.from(GoldenEvents.read(
                GoldenEvents.decided("checkout", "e-1", decision, rule, "because"))).orElseThrow();

        assertThat(event.worthTelling()).isEqualTo(told);
    }

    @Test
    void approvalRequestSaysByWhenAndWhatHappensOnTimeout() {
        ApprovalRequestedEvent request = (ApprovalRequestedEvent) read(GoldenEvents.APPROVAL_REQUESTED);

        assertThat(request.facts().decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(request.approval()).isEqualTo(new ApprovalRequestedEvent.Approval("2026-11-26T10:16:22Z", "PT15M",
                "hold", "sre-leads", "/api/v1/rollbacks/rollback-0004/approve",
                "/api/v1/rollbacks/rollback-0004/reject"));
        assertThat(request.worthTelling()).isTrue();
    }

    @Test
    void escalationAndGuardTripCarryTheirDetails() {
        RollbackEscalatedEvent escalated = (RollbackEscalatedEvent) read(GoldenEvents.ROLLBACK_ESCALATED);
        assertThat(escalated.escalationTeam()).isEqualTo("sre-leads");
        assertThat(escalated.escalatedBecause()).isEqualTo(RollbackEscalatedEvent.APPROVAL_TIMEOUT);
        assertThat(escalated.then()).isEqualTo("hold");
        assertThat(escalated.facts().decision()).isEqualTo(Decision.HELD);

        GuardTrippedEvent tripped = (GuardTrippedEvent) read(GoldenEvents.GUARD_TRIPPED);
        assertThat(tripped.count()).isEqualTo(5);
        assertThat(tripped.limit()).isEqualTo(5);
        assertThat(tripped.window()).isEqualTo("PT1H");
        assertThat(tripped.since()).isEqualTo("2026-11-26T09:01:22Z");
        assertThat(tripped.facts().explanation().inputs().stormGuard())
                .isEqualTo(new Explanation.StormGuard(5, 5, "PT1H", "2026-11-26T09:01:22Z"));
    }

    @Test
    void escalationWithoutItsOwnTeamNamesThePolicysTeam() {
        ObjectNode json = (ObjectNode) EventContract.parse(GoldenEvents.json(GoldenEvents.ROLLBACK_ESCALATED));
        ((ObjectNode) json.at("/data/subject/content")).remove("escalationTeam");

        RollbackEscalatedEvent escalated = (RollbackEscalatedEvent) NotifiableEvents.from(
                GoldenEvents.read(json.toString())).orElseThrow();

        assertThat(escalated.escalationTeam()).isEqualTo("sre-leads");
    }

    @Test
    void requestedReadsItsDecisionAndExplanationAndAnOlderRequestWithoutThem() {
        RollbackRequestedEvent request = (RollbackRequestedEvent) read(GoldenEvents.ROLLBACK_REQUESTED);
        assertThat(request.decision()).isEqualTo(Decision.ROLL_BACK);
        assertThat(request.explanation().rule()).isEqualTo("mode-auto");
        assertThat(request.explanation().reason()).startsWith("no policy for checkout/production");

        RollbackRequestedEvent manual = (RollbackRequestedEvent) NotifiableEvents.from(GoldenEvents.read(
                GoldenEvents.example(GoldenEvents.ROLLBACK_REQUESTED, "manual"))).orElseThrow();
        assertThat(manual.decision()).isNull();
        assertThat(manual.explanation()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "decision": "HELD"             | "decision": "PAUSED"    | must be one of ROLL_BACK
            "decision": "HELD",            | ''                      | subject.content.decision
            "fromVersion": "2.0.0",        | ''                      | subject.content.fromVersion
            "id": "rollback-0004",         | ''                      | subject.id
            """)
    void decisionEventWithoutWhatItIsAboutIsMalformedAndSaysWhy(String field, String replacement, String message) {
        String json = GoldenEvents.example(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.HELD).replace(field, replacement);

        assertThatThrownBy(() -> NotifiableEvents.from(GoldenEvents.read(json)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining(message);
    }

    @Test
    void requestWithAnUnknownDecisionIsMalformed() {
        String json = GoldenEvents.json(GoldenEvents.ROLLBACK_REQUESTED)
                .replace("\"decision\": \"ROLL_BACK\"", "\"decision\": \"MAYBE\"");

        assertThatThrownBy(() -> NotifiableEvents.from(GoldenEvents.read(json)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("subject.content.decision");
    }

    @Test
    void explanationWithoutAReasonIsReadAsNone() {
        String json = GoldenEvents.example(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.HELD)
                .replaceFirst("\"reason\": \"[^\"]*\",", "");

        RollbackDecidedEvent held = (RollbackDecidedEvent) NotifiableEvents.from(GoldenEvents.read(json)).orElseThrow();

        assertThat(held.facts().explanation()).isNull();
        assertThat(List.of(held.facts().rule() == null, held.facts().reason() == null)).containsOnly(true);
    }

    private static RollbackDecidedEvent decided(String variant) {
        return (RollbackDecidedEvent) NotifiableEvents.from(GoldenEvents.read(
                GoldenEvents.example(GoldenEvents.ROLLBACK_DECIDED, variant))).orElseThrow();
    }

    private static NotifiableEvent read(String type) {
        return NotifiableEvents.from(GoldenEvents.cloudEvent(type)).orElseThrow();
    }
}
