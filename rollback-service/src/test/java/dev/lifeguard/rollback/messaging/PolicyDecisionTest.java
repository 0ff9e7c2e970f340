package dev.lifeguard.rollback.messaging;

import dev.lifeguard.rollback.People;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.Scenario;
import dev.lifeguard.rollback.repository.TrackedDeploymentRepository;
import dev.lifeguard.rollback.service.ApprovalTimeouts;
import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.rollback.messaging.DecisionPipelineTest.BOUND;
import static dev.lifeguard.rollback.messaging.DecisionPipelineTest.awaitDecisionOf;
import static dev.lifeguard.rollback.messaging.DecisionPipelineTest.awaitOne;
import static dev.lifeguard.rollback.messaging.DecisionPipelineTest.approve;
import static dev.lifeguard.rollback.messaging.DecisionPipelineTest.requestsFor;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Each policy field's effect on decisions, with the policy stored through {@code PUT /api/v1/policies/environments/
 * {environment}} in an environment of the test's own, over the broker and the database; and the approval timeout.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class PolicyDecisionTest {

    private static final String ANALYSES = DecisionPipelineTest.ANALYSES;

    @Inject
    TrackedDeploymentRepository trackedDeployments;

    @Inject
    ApprovalTimeouts timeouts;

    @Test
    void modeApprovalAsksForApprovalWithADeadlineAndAnApprovalRequestsTheRollback() {
        Scenario scenario = scenarioWithPolicy(Map.of("mode", "approval", "approvalTimeout", "PT30M",
                "escalationTeam", "sre-leads"));
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        ValidatableResponse awaiting = awaitDecisionOf(scenario, v2)
                .body("decision", equalTo("AWAITING_APPROVAL"))
                .body("rule", equalTo("mode-approval"))
                .body("reason", startsWith("policy " + scenario.environment + " v1 asks for approval: roll "
                        + scenario.service + " 2.0.0 back to 1.0.0? "))
                .body("approval.deadline", notNullValue())
                .body("approval.escalationTeam", equalTo("sre-leads"))
                .body("explanation.policy.sources[0].scope", equalTo("environment"))
                .body("explanation.policy.sources[0].version", equalTo(1));
        String id = awaiting.extract().path("id");
        OffsetDateTime decidedAt = OffsetDateTime.parse(awaiting.extract().path("decidedAt"));
        JsonNode asked = awaitOne(scenario, Scenario.APPROVAL_REQUESTED, id);
        assertThat(EventContract.violations(asked.toString())).isEmpty();
        JsonNode approval = asked.at("/data/subject/content/approval");
        assertThat(Instant.parse(approval.path("deadline").asText()))
                .isEqualTo(decidedAt.toInstant().plus(Duration.ofMinutes(30)));
        assertThat(approval.path("timeout").asText()).isEqualTo("PT30M");
        assertThat(approval.path("onTimeout").asText()).isEqualTo("hold");
        assertThat(approval.path("approveUrl").asText()).isEqualTo("/api/v1/rollbacks/" + id + "/approve");
        assertThat(requestsFor(scenario, v2)).isEmpty();

        People.as("carol").header("X-Lifeguard-User", "carol").contentType(ContentType.JSON).body("{}")
                .post("/api/v1/rollbacks/{id}/approve", id).then().statusCode(200)
                .body("decision", equalTo("APPROVED")).body("approval.settledBy", equalTo("carol"));
        JsonNode request = await().atMost(BOUND).until(() -> requestsFor(scenario, v2), found -> !found.isEmpty()).get(0);
        assertThat(EventContract.violations(request.toString())).isEmpty();
        assertThat(request.at("/data/subject/content/decision").asText()).isEqualTo("APPROVED");
        // the request tells the executor who let it go and the evidence, not the question asked while it waited
        assertThat(request.at("/data/subject/content/reason").asText())
                .startsWith("approved by carol: roll " + scenario.service + " 2.0.0 back to 1.0.0; ")
                .contains("error_rate above").doesNotContain("asks for approval");
    }

    @Test
    void modeNotifyOnlyHoldsAndModeOffSkips() {
        Scenario notifyOnly = scenarioWithPolicy(Map.of("mode", "notify-only"));
        String held = runningV2(notifyOnly);
        notifyOnly.send(Scenario.ANOMALIES, notifyOnly.anomaly(held, "2.0.0"));
        String heldId = awaitDecisionOf(notifyOnly, held).body("decision", equalTo("HELD"))
                .body("rule", equalTo("mode-notify-only")).extract().path("id");
        assertThat(EventContract.violations(awaitOne(notifyOnly, Scenario.DECIDED, heldId).toString())).isEmpty();

        Scenario off = scenarioWithPolicy(Map.of("mode", "off"));
        String skipped = runningV2(off);
        off.send(Scenario.ANOMALIES, off.anomaly(skipped, "2.0.0"));
        awaitDecisionOf(off, skipped).body("decision", equalTo("SKIPPED")).body("rule", equalTo("mode-off"));

        Scenario.awaitAllEarlierEventsHandled();
        assertThat(requestsFor(notifyOnly, held)).isEmpty();
        assertThat(requestsFor(off, skipped)).isEmpty();
        assertThat(notifyOnly.published(Scenario.APPROVAL_REQUESTED)).isEmpty();
    }

    @Test
    void onInconclusiveRollbackRollsBackAndHoldHolds() {
        Scenario rollback = scenarioWithPolicy(Map.of("onInconclusive", "rollback"));
        String v2 = runningV2(rollback);
        rollback.send(ANALYSES, rollback.verdict(v2, "2.0.0", "inconclusive"));
        JsonNode request = EventContract.parse(rollback.awaitRollbackRequest().value());
        assertThat(EventContract.violations(request.toString())).isEmpty();
        assertThat(request.at("/data/subject/content/anomalyId").isNull()).isTrue();
        assertThat(request.at("/data/subject/content/explanation/inputs/trigger").asText()).isEqualTo("verdict");
        awaitDecisionOf(rollback, v2).body("decision", equalTo("ROLL_BACK")).body("rule", equalTo("mode-auto"))
                .body("trigger", equalTo("verdict"));

        Scenario hold = scenarioWithPolicy(Map.of("onInconclusive", "hold"));
        String held = runningV2(hold);
        hold.send(ANALYSES, hold.verdict(held, "2.0.0", "inconclusive"));
        awaitDecisionOf(hold, held).body("decision", equalTo("HELD")).body("rule", equalTo("on-inconclusive"));
    }

    @Test
    void withinTheCooldownASecondAutomaticRollbackOfTheTargetNeedsApproval() {
        Scenario scenario = scenarioWithPolicy(Map.of("cooldown", "1h"));
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String first = awaitDecisionOf(scenario, v2).body("decision", equalTo("ROLL_BACK")).extract().path("id");
        String v3 = scenario.deploy("3.0.0", "1.0.0");
        awaitStatus(v3, DeploymentStatus.RUNNING);

        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v3, "3.0.0"));

        awaitDecisionOf(scenario, v3).body("decision", equalTo("AWAITING_APPROVAL"))
                .body("rule", equalTo("cooldown"))
                .body("explanation.inputs.lastRollbackId", equalTo(first))
                .body("explanation.inputs.cooldownUntil", notNullValue());
        assertThat(requestsFor(scenario, v3)).isEmpty();
    }

    @Test
    void pastMaxRollbacksPerHourDecisionsNeedApprovalAndTheGuardTripsOnce() {
        Scenario first = scenarioWithPolicy(Map.of("maxRollbacksPerHour", 2));
        String environment = first.environment;
        Scenario second = new Scenario(environment);
        Scenario third = new Scenario(environment);
        Scenario fourth = new Scenario(environment);
        for (Scenario scenario : List.of(first, second)) {
            String deployment = runningV2(scenario);
            scenario.send(Scenario.ANOMALIES, scenario.anomaly(deployment, "2.0.0"));
            awaitDecisionOf(scenario, deployment).body("decision", equalTo("ROLL_BACK"));
        }

        String tripped = runningV2(third);
        third.send(Scenario.ANOMALIES, third.anomaly(tripped, "2.0.0"));
        String trippedId = awaitDecisionOf(third, tripped).body("decision", equalTo("AWAITING_APPROVAL"))
                .body("rule", equalTo("storm-guard"))
                .body("explanation.inputs.stormGuard.count", equalTo(2))
                .body("explanation.inputs.stormGuard.limit", equalTo(2))
                .extract().path("id");
        JsonNode guard = awaitOne(third, Scenario.GUARD_TRIPPED, trippedId);
        assertThat(EventContract.violations(guard.toString())).isEmpty();
        assertThat(guard.at("/data/subject/content/count").asInt()).isEqualTo(2);
        assertThat(guard.at("/data/subject/content/limit").asInt()).isEqualTo(2);
        assertThat(guard.at("/data/subject/content/window").asText()).isEqualTo("PT1H");
        JsonNode guardAudit = awaitAudit(third, "rollback.guard-tripped", 1).get(0);
        assertThat(EventContract.violations(guardAudit.toString())).isEmpty();
        assertThat(guardAudit.at("/data/subject/content/actor").asText()).isEqualTo("service:rollback-service");
        assertThat(guardAudit.at("/data/subject/content/outcome").asText()).isEqualTo("AWAITING_APPROVAL");

        String stillTripped = runningV2(fourth);
        fourth.send(Scenario.ANOMALIES, fourth.anomaly(stillTripped, "2.0.0"));
        awaitDecisionOf(fourth, stillTripped).body("decision", equalTo("AWAITING_APPROVAL"))
                .body("rule", equalTo("storm-guard"));
        Scenario.awaitAllEarlierEventsHandled();
        assertThat(fourth.published(Scenario.GUARD_TRIPPED)).as("tripped once per hour").isEmpty();
        assertThat(fourth.published(Scenario.APPROVAL_REQUESTED)).hasSize(1);
    }

    @Test
    void inAFreezeWindowAutomaticRollbacksNeedApproval() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Scenario scenario = scenarioWithPolicy(Map.of("freezeWindows", List.of(Map.of("from",
                now.minus(Duration.ofMinutes(5)).toString(), "to", now.plus(Duration.ofHours(1)).toString(),
                "reason", "year-end freeze"))));
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        awaitDecisionOf(scenario, v2).body("decision", equalTo("AWAITING_APPROVAL"))
                .body("rule", equalTo("freeze-window"))
                .body("explanation.inputs.freezeWindow.reason", equalTo("year-end freeze"))
                .body("reason", startsWith("freeze window " + now.minus(Duration.ofMinutes(5))));
        assertThat(requestsFor(scenario, v2)).isEmpty();
    }

    @Test
    void aDryRunDecidesAndExplainsAndPublishesNothingButTheDecision() {
        Scenario scenario = scenarioWithPolicy(Map.of("dryRun", true, "mode", "approval"));
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        String id = awaitDecisionOf(scenario, v2).body("decision", equalTo("DRY_RUN"))
                .body("rule", equalTo("dry-run"))
                .body("toVersion", equalTo("1.0.0"))
                .body("explanation.inputs.wouldBe", equalTo("AWAITING_APPROVAL"))
                .body("reason", startsWith("dry run (policy " + scenario.environment + " v1): would have asked for"
                        + " approval because "))
                .extract().path("id");
        JsonNode decided = awaitOne(scenario, Scenario.DECIDED, id);
        assertThat(EventContract.violations(decided.toString())).isEmpty();
        Scenario.awaitAllEarlierEventsHandled();
        assertThat(requestsFor(scenario, v2)).isEmpty();
        assertThat(scenario.published(Scenario.APPROVAL_REQUESTED)).isEmpty();
        approve(id, Map.of()).statusCode(409);
    }

    @Test
    void aMaxDepthOfTwoLetsARestoredVersionBeRolledBackOnceMore() {
        Scenario scenario = scenarioWithPolicy(Map.of("maxDepth", 2));
        String v1 = scenario.deploy("1.0.0", "0.9.0");
        awaitStatus(v1, DeploymentStatus.RUNNING);
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String rollback = EventContract.parse(scenario.awaitRollbackRequest().value()).at("/data/subject/id").asText();
        scenario.send(Scenario.DEPLOYMENTS, scenario.rolledBack(v2, "2.0.0", "1.0.0", rollback));
        awaitStatus(v1, DeploymentStatus.RUNNING);
        ObjectNode relapse = scenario.anomaly(v1, "1.0.0");
        relapse.withObject("/data/customData").put("rollbackId", rollback);
        scenario.send(Scenario.ANOMALIES, relapse);

        awaitDecisionOf(scenario, v1).body("decision", equalTo("ROLL_BACK")).body("depth", equalTo(2))
                .body("toVersion", equalTo("0.9.0"));
    }

    // --- approval timeout ----------------------------------------------------------------------------------------

    @Test
    void anApprovalNobodyAnswersEscalatesAndThenRollsBackOnceEvenWithTwoInstances() throws Exception {
        Scenario scenario = scenarioWithPolicy(Map.of("mode", "approval", "approvalTimeout", "PT1H",
                "onApprovalTimeout", "rollback", "escalationTeam", "sre-leads"));
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String id = awaitDecisionOf(scenario, v2).body("decision", equalTo("AWAITING_APPROVAL")).extract().path("id");
        OffsetDateTime pastDeadline = OffsetDateTime.now(ZoneOffset.UTC).plusHours(2);
        assertThat(timeouts.timeOutPast(OffsetDateTime.now(ZoneOffset.UTC))).as("not before its deadline").isZero();

        Concurrently.atOnce(BOUND, () -> timeouts.timeOutPast(pastDeadline), () -> timeouts.timeOutPast(pastDeadline));

        given().get("/api/v1/rollbacks/{id}", id).then().statusCode(200)
                .body("decision", equalTo("ROLL_BACK"))
                .body("rule", equalTo("approval-timeout"))
                .body("approval.settledBy", equalTo("timeout"))
                .body("approval.escalatedAt", notNullValue());
        JsonNode escalated = awaitOne(scenario, Scenario.ESCALATED, id);
        assertThat(EventContract.violations(escalated.toString())).isEmpty();
        assertThat(escalated.at("/data/subject/content/escalatedBecause").asText()).isEqualTo("approval-timeout");
        assertThat(escalated.at("/data/subject/content/then").asText()).isEqualTo("rollback");
        assertThat(escalated.at("/data/subject/content/escalationTeam").asText()).isEqualTo("sre-leads");
        JsonNode request = await().atMost(BOUND).until(() -> requestsFor(scenario, v2), found -> !found.isEmpty()).get(0);
        assertThat(EventContract.violations(request.toString())).isEmpty();
        assertThat(request.at("/data/subject/content/decision").asText()).isEqualTo("ROLL_BACK");
        List<JsonNode> decided = await().atMost(BOUND).until(() -> scenario.publishedAbout(Scenario.DECIDED, id),
                found -> found.size() == 2);
        assertThat(decided.get(1).at("/data/subject/content/previousDecision").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(decided.get(1).at("/data/subject/content/settledBy").asText()).isEqualTo("timeout");
        assertThat(EventContract.violations(decided.get(1).toString())).isEmpty();

        assertThat(timeouts.timeOutPast(pastDeadline)).as("twice: nothing more to do").isZero();
        Scenario.awaitAllEarlierEventsHandled();
        assertThat(scenario.publishedAbout(Scenario.ESCALATED, id)).hasSize(1);
        assertThat(requestsFor(scenario, v2)).hasSize(1);
        // the escalation is in the audit trail once, with what followed it
        List<JsonNode> escalations = awaitAudit(scenario, "rollback.escalated", 1);
        assertThat(escalations).hasSize(1);
        assertThat(EventContract.violations(escalations.get(0).toString())).isEmpty();
        assertThat(escalations.get(0).at("/data/subject/content/outcome").asText()).isEqualTo("ROLL_BACK");
    }

    /** The audit entries of {@code action} about the scenario's target, once at least {@code atLeast} are there. */
    private static List<JsonNode> awaitAudit(Scenario scenario, String action, int atLeast) {
        java.util.function.Predicate<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> matching =
                record -> record.value().contains("\"" + action + "\"") && record.value().contains(scenario.key());
        scenario.kafka.awaitRecords("lifeguard.audit", matching, atLeast);
        return scenario.kafka.readAll("lifeguard.audit").stream().filter(matching)
                .map(record -> EventContract.parse(record.value())).toList();
    }

    @Test
    void anApprovalNobodyAnswersEscalatesAndIsHeldThenAPersonCanStillAnswer() {
        Scenario scenario = scenarioWithPolicy(Map.of("mode", "approval", "approvalTimeout", "PT1H"));
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String id = awaitDecisionOf(scenario, v2).body("decision", equalTo("AWAITING_APPROVAL")).extract().path("id");

        assertThat(timeouts.timeOutPast(OffsetDateTime.now(ZoneOffset.UTC).plusHours(2))).isPositive();

        given().get("/api/v1/rollbacks/{id}", id).then().body("decision", equalTo("HELD"))
                .body("rule", equalTo("approval-timeout"))
                .body("reason", equalTo("nobody answered the approval within PT1H: escalated to sre-oncall; held "
                        + "(onApprovalTimeout hold), approve or reject it by hand"));
        JsonNode escalated = awaitOne(scenario, Scenario.ESCALATED, id);
        assertThat(escalated.at("/data/subject/content/then").asText()).isEqualTo("hold");
        assertThat(requestsFor(scenario, v2)).isEmpty();

        approve(id, Map.of("by", "dave")).statusCode(200).body("decision", equalTo("APPROVED"));
        assertThat(await().atMost(BOUND).until(() -> requestsFor(scenario, v2), found -> !found.isEmpty())).hasSize(1);
    }

    @Test
    void theScheduledCheckTimesOutAnApprovalOnItsOwn() {
        Scenario scenario = scenarioWithPolicy(Map.of("mode", "approval", "approvalTimeout", "PT1S"));
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String id = awaitDecisionOf(scenario, v2).extract().path("id");

        // lifeguard.rollback.approval-check-interval is 10s
        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/rollbacks/{id}", id).then()
                .body("decision", equalTo("HELD")).body("approval.settledBy", equalTo("timeout")));
        assertThat(awaitOne(scenario, Scenario.ESCALATED, id).at("/data/subject/content/escalatedBecause").asText())
                .isEqualTo("approval-timeout");
    }

    @Test
    void anApprovalSettledByAPersonIsNotTimedOut() {
        Scenario scenario = scenarioWithPolicy(Map.of("mode", "approval", "approvalTimeout", "PT1H",
                "onApprovalTimeout", "rollback"));
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String id = awaitDecisionOf(scenario, v2).body("decision", equalTo("AWAITING_APPROVAL")).extract().path("id");
        DecisionPipelineTest.reject(id, Map.of("by", "erin", "reason", "a false alarm")).statusCode(200);

        timeouts.timeOutPast(OffsetDateTime.now(ZoneOffset.UTC).plusHours(2));

        given().get("/api/v1/rollbacks/{id}", id).then().body("decision", equalTo("REJECTED"));
        Scenario.awaitAllEarlierEventsHandled();
        assertThat(scenario.publishedAbout(Scenario.ESCALATED, id)).isEmpty();
        assertThat(requestsFor(scenario, v2)).isEmpty();
    }

    @Test
    void anApprovalTimeoutDuringADatabaseOutageIsTakenUpOnceAfterIt() {
        Scenario scenario = scenarioWithPolicy(Map.of("mode", "approval", "approvalTimeout", "PT1H",
                "onApprovalTimeout", "rollback"));
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String id = awaitDecisionOf(scenario, v2).body("decision", equalTo("AWAITING_APPROVAL")).extract().path("id");
        OffsetDateTime pastDeadline = OffsetDateTime.now(ZoneOffset.UTC).plusHours(2);

        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> timeouts.timeOutPast(pastDeadline))
                    .as("nothing settled while the database is away").isInstanceOf(RuntimeException.class);
        }

        // pooled connections the outage closed may fail a first try
        await().atMost(BOUND).ignoreExceptions().until(() -> timeouts.timeOutPast(pastDeadline) >= 0
                && "ROLL_BACK".equals(given().get("/api/v1/rollbacks/{id}", id).then().extract().path("decision")));
        assertThat(await().atMost(BOUND).until(() -> requestsFor(scenario, v2), found -> !found.isEmpty())).hasSize(1);
        Scenario.awaitAllEarlierEventsHandled();
        assertThat(scenario.publishedAbout(Scenario.ESCALATED, id)).hasSize(1);
    }

    @Test
    void anApprovalWhileTheBrokerIsAwayIsPublishedOnceItIsBack() {
        Scenario scenario = scenarioWithPolicy(Map.of("mode", "approval"));
        String v2 = runningV2(scenario);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String id = awaitDecisionOf(scenario, v2).body("decision", equalTo("AWAITING_APPROVAL")).extract().path("id");
        awaitOne(scenario, Scenario.APPROVAL_REQUESTED, id);

        KafkaBrokerResource.broker().stopBroker();
        try {
            approve(id, Map.of("by", "frank")).statusCode(200).body("decision", equalTo("APPROVED"));
        } finally {
            KafkaBrokerResource.broker().startBroker();
        }

        JsonNode request = await().atMost(BOUND).until(() -> requestsFor(scenario, v2), found -> !found.isEmpty()).get(0);
        assertThat(request.at("/data/subject/content/decision").asText()).isEqualTo("APPROVED");
        Scenario.awaitAllEarlierEventsHandled();
        assertThat(requestsFor(scenario, v2)).hasSize(1);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** A fresh environment whose stored policy is {@code body} (version 1). */
    private static Scenario scenarioWithPolicy(Map<String, ?> body) {
        Scenario scenario = new Scenario("env-" + UUID.randomUUID().toString().substring(0, 8));
        // after an outage test a pooled connection may fail once (503: nothing stored)
        await().atMost(BOUND).untilAsserted(() -> given().contentType(ContentType.JSON).body(body)
                .put("/api/v1/policies/environments/{environment}", scenario.environment).then().statusCode(201));
        return scenario;
    }

    /** 1.0.0 then 2.0.0 (stable version 1.0.0) deployed; 2.0.0 runs. Returns 2.0.0's deployment id. */
    private String runningV2(Scenario scenario) {
        if (await().atMost(BOUND).ignoreExceptions().until(() -> QuarkusTransaction.requiringNew().call(() ->
                trackedDeployments.count("service = ?1 and environment = ?2", scenario.service, scenario.environment)),
                count -> true) == 0) {
            scenario.deploy("1.0.0", null);
        }
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        return v2;
    }

    private void awaitStatus(String deploymentId, DeploymentStatus status) {
        await().atMost(BOUND).ignoreExceptions().until(() -> QuarkusTransaction.requiringNew().call(() ->
                trackedDeployments.findByIdOptional(deploymentId).map(tracked -> tracked.status == status).orElse(false)));
    }
}
