package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.ApprovalTimeoutAction;
import dev.lifeguard.rollback.EffectivePolicy;
import dev.lifeguard.rollback.FreezeWindow;
import dev.lifeguard.rollback.InconclusiveAction;
import dev.lifeguard.rollback.PolicyMode;
import dev.lifeguard.testsupport.EventContract;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The effective policy as the decision events explain it: the golden {@code decided} event's shape, checked by its schema. */
class PolicyJsonTest {

    private static final String DECIDED = "dev.cdeventsx.lifeguard-rollback.decided.0.1.0";
    private static final FreezeWindow HOLIDAYS = FreezeWindow.fixed(Instant.parse("2026-12-24T00:00:00Z"),
            Instant.parse("2026-12-27T00:00:00Z"), "holidays");
    private static final FreezeWindow WEEKEND = FreezeWindow.recurring("0 18 * * FRI", Duration.ofHours(62),
            ZoneId.of("Europe/Paris"), null);

    @Test
    void aMergedPolicyNamesItsSourcesAndEveryFieldInTheGoldenShape() {
        EffectivePolicy policy = new EffectivePolicy(
                List.of(new EffectivePolicy.Source("production", null, 3),
                        new EffectivePolicy.Source("production", "checkout", 1)),
                PolicyMode.APPROVAL, InconclusiveAction.HOLD, Duration.ofMinutes(30), 5, List.of(HOLIDAYS, WEEKEND),
                true, Duration.ofMinutes(15), ApprovalTimeoutAction.ROLLBACK, "sre-leads", 2);

        ObjectNode json = PolicyJson.effective(policy);

        assertThat(json).isEqualTo(EventContract.parse("""
                {"sources": [{"scope": "environment", "environment": "production", "service": null, "version": 3},
                             {"scope": "service", "environment": "production", "service": "checkout", "version": 1}],
                 "mode": "approval", "onInconclusive": "hold", "cooldown": "PT30M", "maxRollbacksPerHour": 5,
                 "freezeWindows": [{"from": "2026-12-24T00:00:00Z", "to": "2026-12-27T00:00:00Z", "reason": "holidays"},
                                   {"cron": "0 18 * * FRI", "duration": "PT62H", "zone": "Europe/Paris"}],
                 "dryRun": true, "approvalTimeout": "PT15M", "onApprovalTimeout": "rollback",
                 "escalationTeam": "sre-leads", "maxDepth": 2}"""));
        assertThat(EventContract.violations(DECIDED, decidedWith(json, PolicyJson.activeWindow(WEEKEND,
                WEEKEND.activeAt(Instant.parse("2026-12-05T12:00:00Z")).orElseThrow())))).isEmpty();
    }

    @Test
    void theDefaultsHaveNoSourcesAndNullsWhereThereIsNothing() {
        ObjectNode json = PolicyJson.effective(EffectivePolicy.defaults(Duration.ofMinutes(15), "sre-oncall"));

        assertThat(json).isEqualTo(EventContract.parse("""
                {"sources": [], "mode": "auto", "onInconclusive": "ignore", "cooldown": null,
                 "maxRollbacksPerHour": null, "freezeWindows": [], "dryRun": false, "approvalTimeout": "PT15M",
                 "onApprovalTimeout": "hold", "escalationTeam": "sre-oncall", "maxDepth": 1}"""));
        assertThat(EventContract.violations(DECIDED, decidedWith(json, null))).isEmpty();
    }

    @Test
    void theWindowInForceIsShownAsConfiguredWithItsOccurrence() {
        ObjectNode active = PolicyJson.activeWindow(WEEKEND,
                WEEKEND.activeAt(Instant.parse("2026-12-05T12:00:00Z")).orElseThrow());

        assertThat(active).isEqualTo(EventContract.parse("""
                {"cron": "0 18 * * FRI", "duration": "PT62H", "zone": "Europe/Paris",
                 "from": "2026-12-04T17:00:00Z", "to": "2026-12-07T07:00:00Z"}"""));
    }

    /** The golden decided event with this policy and freeze window in its explanation. */
    private static JsonNode decidedWith(ObjectNode policy, ObjectNode freezeWindow) {
        JsonNode event = EventContract.parse(EventContract.read(EventContract.examples(DECIDED).stream()
                .filter(file -> file.getFileName().toString().equals(DECIDED + ".json")).findFirst().orElseThrow()));
        ObjectNode explanation = (ObjectNode) event.at("/data/subject/content/explanation");
        explanation.set("policy", policy);
        ((ObjectNode) explanation.get("inputs")).set("freezeWindow", freezeWindow);
        return event;
    }
}
