package dev.lifeguard.postmortem.messaging;

import dev.lifeguard.postmortem.ChainScenario;
import dev.lifeguard.postmortem.DecisionEvents;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import static dev.lifeguard.postmortem.ReadModelTestClient.WAIT;
import static dev.lifeguard.postmortem.ReadModelTestClient.awaitIncident;
import static dev.lifeguard.postmortem.ReadModelTestClient.awaitTimelineEntry;
import static dev.lifeguard.postmortem.ReadModelTestClient.publish;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * rollback-service's decisions in over Kafka (lifeguard.rollbacks), into the read model on PostgreSQL: each outcome
 * and change of one is on the timeline with its rule and reason, the incident view tells the decision with its
 * explanation and approval story, and the post-mortem quotes them; a held, rejected or dry-run decision leaves the
 * incident open and says why; a decision to roll back is not told twice.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class DecisionLifecycleTest {

    private static final String INCIDENT_RESOLVED = "dev.cdevents.incident.resolved.0.3.0";

    @Inject
    EntityManager entityManager;

    @Test
    void decisionAwaitingApprovalThenApprovedIsToldOnTheIncidentAndItsRollbackResolvesIt() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.UPGRADED);
        publish(chain, ChainScenario.ANOMALY);
        publish(chain, "rollbacks", DecisionEvents.awaitingApproval(chain));
        awaitTimelineEntry(publish(chain, "rollbacks", DecisionEvents.approvalRequested(chain)));

        String incidentId = awaitIncident(chain, "OPEN");
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/incidents/{id}", incidentId).then()
                .statusCode(200)
                .body("timeline.type", contains("deployment", "anomaly", "rollback-decided", "approval-requested"))
                .body("timeline[2].summary", startsWith("Decision on " + chain.service() + " 2.0.0 in production:"
                        + " AWAITING_APPROVAL (rule mode-approval): policy production v3 asks for approval"))
                .body("timeline[3].summary", equalTo("Approval requested for the rollback of " + chain.service()
                        + " from 2.0.0 to 1.0.0 in production (rule mode-approval): answer by 2026-11-26 10:16:22 UTC"
                        + " (15m); on timeout: escalate to sre-leads, then hold"))
                .body("decision.decisionId", equalTo("rollback-0004"))
                .body("decision.decision", equalTo("AWAITING_APPROVAL"))
                .body("decision.rule", equalTo("mode-approval"))
                .body("decision.trigger", equalTo("anomaly"))
                .body("decision.policySources[0].scope", equalTo("environment"))
                .body("decision.policySources[0].version", equalTo(3))
                .body("decision.policyMode", equalTo("approval"))
                .body("decision.stormGuard.count", equalTo(1))
                .body("decision.stormGuard.limit", equalTo(5))
                .body("decision.depth", equalTo(1))
                .body("decision.explanation.inputs.stableVersion", equalTo("1.0.0"))
                .body("decision.approval.outcome", equalTo("pending"))
                .body("decision.approval.escalationTeam", equalTo("sre-leads"))
                .body("decision.approval.onTimeout", equalTo("hold"))
                .body("decision.approval.settledBy", nullValue())
                .body("decisions", hasSize(1)));
        assertThat(postmortem(incidentId))
                .contains("status OPEN")
                .contains("Lifeguard asks for approval before rolling back to 1.0.0 (rule mode-approval)")
                .contains("- Deadline: 2026-11-26 10:16:22 UTC (15m)\n")
                .contains("- Answer: none yet (AWAITING_APPROVAL)\n");

        publish(chain, "rollbacks", DecisionEvents.approved(chain));
        publish(chain, "rollbacks", DecisionEvents.approvedRollbackRequested(chain));
        publish(chain, "deployments", DecisionEvents.rolledBackAfterApproval(chain));

        awaitIncident(chain, "RESOLVED");
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("timeline.type", contains("deployment", "anomaly", "rollback-decided", "approval-requested",
                        "rollback-decision-changed", "rollback-requested", "rollback"))
                .body("timeline[4].summary", startsWith("Decision on " + chain.service() + " 2.0.0 in production"
                        + " changed from AWAITING_APPROVAL to APPROVED by alice (rule approved): "))
                .body("timeline[5].summary", equalTo("Rollback of " + chain.service() + " in production from 2.0.0"
                        + " to 1.0.0 requested (APPROVED, rule approved): approved by alice: roll " + chain.service()
                        + " 2.0.0 back to 1.0.0"))
                .body("decision.decision", equalTo("APPROVED"))
                .body("decision.rule", equalTo("approved"))
                .body("decision.originalDecision", equalTo("AWAITING_APPROVAL"))
                .body("decision.originalRule", equalTo("mode-approval"))
                .body("decision.approval.outcome", equalTo("approved"))
                .body("decision.approval.settledBy", equalTo("alice"))
                .body("decision.approval.settleReason", equalTo("error rate is real, go")));
        assertThat(postmortem(incidentId))
                .contains("Lifeguard rolled back from 2.0.0 to 1.0.0 at 2026-11-26 10:04:30 UTC")
                .contains("## Decision\n\n- Decision: APPROVED\n- Rule: approved\n")
                .contains("- First decided: AWAITING_APPROVAL, rule mode-approval: policy production v3 asks for"
                        + " approval: roll " + chain.service() + " 2.0.0 back to 1.0.0?")
                .contains("- Policy: environment production v3 (mode approval)\n")
                .contains("### Approval\n\n- Requested at: 2026-11-26 10:01:22 UTC\n")
                .contains("- Approved: by alice at 2026-11-26 10:04:10 UTC: error rate is real, go\n");
        await().atMost(WAIT).until(() -> resolvedEvents(chain) == 1);
    }

    @Test
    void heldRejectedAndDryRunDecisionsLeaveTheirIncidentsOpenAndTheirPostmortemsSayWhy() {
        ChainScenario held = new ChainScenario();
        ChainScenario rejected = new ChainScenario();
        ChainScenario dryRun = new ChainScenario();
        publish(held, ChainScenario.ANOMALY);
        awaitTimelineEntry(publish(held, "rollbacks", DecisionEvents.held(held)));
        publish(rejected, ChainScenario.ANOMALY);
        publish(rejected, "rollbacks", DecisionEvents.awaitingApproval(rejected));
        awaitTimelineEntry(publish(rejected, "rollbacks", DecisionEvents.rejected(rejected)));
        publish(dryRun, ChainScenario.ANOMALY);
        awaitTimelineEntry(publish(dryRun, "rollbacks", DecisionEvents.dryRun(dryRun)));

        String heldIncident = awaitIncident(held, "OPEN");
        given().get("/api/v1/incidents/{id}", heldIncident).then()
                .body("timeline.type", contains("anomaly", "rollback-decided"))
                .body("decision.decision", equalTo("HELD"))
                .body("decision.rule", equalTo("mode-notify-only"))
                .body("decision.approval", nullValue());
        assertThat(postmortem(heldIncident))
                .contains("Lifeguard held the rollback to 1.0.0 (rule mode-notify-only): policy production v3 is"
                        + " notify-only")
                .contains("- End: ongoing: the rollback was held\n")
                .contains("Not resolved: the rollback was held, and no rollback has been reported for this chain.");

        String rejectedIncident = awaitIncident(rejected, "OPEN");
        given().get("/api/v1/incidents/{id}", rejectedIncident).then()
                .body("timeline.type", contains("anomaly", "rollback-decided", "rollback-decision-changed"))
                .body("decision.decision", equalTo("REJECTED"))
                .body("decision.approval.outcome", equalTo("rejected"))
                .body("decision.approval.settledBy", equalTo("bob"))
                .body("decision.approval.settleReason", equalTo("false alarm:\na load test"));
        assertThat(postmortem(rejectedIncident))
                .contains("The rollback to 1.0.0 was rejected by bob at 2026-11-26 10:04:10 UTC: false alarm: a load"
                        + " test. Nothing was executed and 2.0.0 still runs")
                .contains("- Rejected: by bob at 2026-11-26 10:04:10 UTC: false alarm: a load test\n")
                .contains("Not resolved: the rollback was rejected");

        String dryRunIncident = awaitIncident(dryRun, "OPEN");
        given().get("/api/v1/incidents/{id}", dryRunIncident).then()
                .body("decision.decision", equalTo("DRY_RUN"))
                .body("decision.wouldBe", equalTo("ROLL_BACK"));
        assertThat(postmortem(dryRunIncident))
                .contains("Dry run: Lifeguard would have decided ROLL_BACK (rule dry-run)")
                .contains("- Decision: DRY_RUN (would have been ROLL_BACK)\n");
        for (ChainScenario chain : new ChainScenario[] {held, rejected, dryRun}) {
            assertThat(resolvedEvents(chain)).isZero();
        }
    }

    @Test
    void approvalThatTimedOutIsEscalatedAndTheStormGuardTripIsOnTheTimelineAndInThePostmortem() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.ANOMALY);
        for (String event : new String[] {DecisionEvents.awaitingApproval(chain), DecisionEvents.guardTripped(chain),
                DecisionEvents.approvalRequested(chain), DecisionEvents.escalated(chain)}) {
            publish(chain, "rollbacks", event);
        }
        awaitTimelineEntry(publish(chain, "rollbacks", DecisionEvents.heldAfterTimeout(chain)));

        String incidentId = awaitIncident(chain, "OPEN");
        given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("timeline.type", contains("anomaly", "rollback-decided", "storm-guard-tripped",
                        "approval-requested", "escalated", "rollback-decision-changed"))
                .body("timeline[2].summary", equalTo("Storm guard tripped in production: 5 automatic rollbacks within"
                        + " 1h (limit 5); automatic rollbacks there need approval, starting with " + chain.service()
                        + " 2.0.0 (AWAITING_APPROVAL)"))
                .body("timeline[4].summary", startsWith("Escalated to team sre-leads: nobody approved the rollback of "
                        + chain.service() + " from 2.0.0 to 1.0.0 in production in time; then hold: "))
                .body("timeline[5].summary", startsWith("Decision on " + chain.service() + " 2.0.0 in production"
                        + " changed from AWAITING_APPROVAL to HELD when its approval timed out (rule approval-timeout)"))
                .body("decision.decision", equalTo("HELD"))
                .body("decision.approval.outcome", equalTo("timed-out"))
                .body("decision.approval.afterTimeout", equalTo("HELD"))
                .body("decision.escalations[0].team", equalTo("sre-leads"))
                .body("decision.escalations[0].because", equalTo("approval-timeout"))
                .body("decision.escalations[0].then", equalTo("hold"))
                .body("decision.guardTripped.count", equalTo(5))
                .body("decision.guardTripped.limit", equalTo(5));
        assertThat(postmortem(incidentId))
                .contains("Lifeguard held the rollback to 1.0.0 (rule approval-timeout)")
                .contains("- Storm guard tripped: 2026-11-26 10:01:22 UTC: 5 automatic rollbacks in production"
                        + " within 1h (limit 5)")
                .contains("- Escalated: to sre-leads at 2026-11-26 10:16:23 UTC (approval-timeout), then hold\n")
                .contains("- Timed out: 2026-11-26 10:16:23 UTC: nobody answered in time, then HELD\n")
                .contains("| escalated | Escalated to team sre-leads");
    }

    @Test
    void decisionToRollBackIsRecordedButToldOnceByItsRollbackRequest() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.ANOMALY);
        String decidedId = publish(chain, "rollbacks", DecisionEvents.rollBack(chain));
        publish(chain, ChainScenario.ROLLBACK_REQUESTED);
        publish(chain, ChainScenario.ROLLEDBACK);
        awaitTimelineEntry(decidedId);

        String incidentId = awaitIncident(chain, "RESOLVED");
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("timeline.type", contains("anomaly", "rollback-requested", "rollback"))
                .body("timeline[1].summary", startsWith("Rollback of " + chain.service() + " in production from 2.0.0"
                        + " to 1.0.0 requested (ROLL_BACK, rule mode-auto): no policy for " + chain.service()))
                .body("decision.decision", equalTo("ROLL_BACK"))
                .body("decision.rule", equalTo("mode-auto"))
                .body("decision.approval", nullValue()));
        assertThat(count("SELECT count(*) FROM timeline_entry WHERE event_id = :id", decidedId)).isEqualTo(1);
        assertThat(postmortem(incidentId))
                .contains("## Decision\n\n- Decision: ROLL_BACK\n- Rule: mode-auto\n")
                .doesNotContain("decided-to-roll-back")
                .doesNotContain("### Approval");
    }

    private static String postmortem(String incidentId) {
        return given().get("/api/v1/incidents/{id}/postmortem", incidentId).then().statusCode(200).extract().asString();
    }

    private long resolvedEvents(ChainScenario chain) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "SELECT count(*) FROM outbox_event WHERE record_key = :key AND event_type = :type")
                .setParameter("key", chain.key())
                .setParameter("type", INCIDENT_RESOLVED)
                .getSingleResult()).longValue());
    }

    private long count(String sql, String id) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(sql)
                .setParameter("id", id).getSingleResult()).longValue());
    }
}
