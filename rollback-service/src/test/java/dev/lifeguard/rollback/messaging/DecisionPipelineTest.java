package dev.lifeguard.rollback.messaging;

import dev.lifeguard.rollback.People;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.Scenario;
import dev.lifeguard.rollback.repository.TrackedDeploymentRepository;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * The decision pipeline with the default policy (no stored policy: auto) over the broker and the database: every
 * decision published as {@code decided} with its explanation, inconclusive verdicts, the depth guard, open executions,
 * and approving or rejecting a held decision.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class DecisionPipelineTest {

    static final Duration BOUND = Duration.ofSeconds(60);
    static final String ANALYSES = "lifeguard.analyses";
    private static final String EVIDENCE = "error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0";

    @Inject
    TrackedDeploymentRepository trackedDeployments;

    @Test
    void everyDecisionIsPublishedAsDecidedWithItsExplanationAndARollbackAlsoAsRequested() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        ObjectNode anomaly = scenario.anomaly(v2, "2.0.0");
        scenario.send(Scenario.ANOMALIES, anomaly);

        JsonNode requested = EventContract.parse(scenario.awaitRollbackRequest().value());
        String id = requested.at("/data/subject/id").asText();
        assertThat(requested.at("/data/subject/content/decision").asText()).isEqualTo("ROLL_BACK");
        assertThat(requested.at("/data/subject/content/explanation/rule").asText()).isEqualTo("mode-auto");
        JsonNode decided = awaitOne(scenario, Scenario.DECIDED, id);
        assertThat(EventContract.violations(decided.toString())).isEmpty();
        assertThat(decided.path("subject").asText()).isEqualTo(scenario.key());
        assertThat(decided.path("chainid").asText()).isEqualTo(scenario.chainId);
        assertThat(decided.at("/data/context/links/0/target/contextId").asText()).isEqualTo(anomaly.path("id").asText());
        JsonNode content = decided.at("/data/subject/content");
        assertThat(content.path("decision").asText()).isEqualTo("ROLL_BACK");
        assertThat(content.path("previousDecision").isNull()).isTrue();
        assertThat(content.path("analysisId").asText()).as("the full-traffic analysis").isEqualTo(v2);
        assertThat(content.at("/explanation/reason").asText()).isEqualTo("no policy for " + scenario.key()
                + ": roll back automatically (mode auto) to 1.0.0; " + EVIDENCE);
        assertThat(content.at("/explanation/inputs/stableVersion").asText()).isEqualTo("1.0.0");
        assertThat(content.at("/explanation/inputs/anomalyId").asText())
                .isEqualTo(anomaly.at("/data/customData/anomalyId").asText());
        assertThat(scenario.published(Scenario.APPROVAL_REQUESTED)).isEmpty();
    }

    @Test
    void aSkippedDecisionIsPublishedAsDecidedOnly() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v1, "1.0.0"));

        String id = awaitDecisionOf(scenario, v1).body("decision", equalTo("SKIPPED"))
                .body("rule", equalTo("target-selection")).extract().path("id");
        JsonNode decided = awaitOne(scenario, Scenario.DECIDED, id);
        assertThat(EventContract.violations(decided.toString())).isEmpty();
        assertThat(decided.at("/data/subject/content/toVersion").isNull()).isTrue();
        assertThat(decided.at("/data/subject/content/explanation/reason").asText())
                .startsWith("no stable version to roll back to; ");
        Scenario.awaitAllEarlierEventsHandled();
        assertThat(scenario.publishedRollbackRequests()).isEmpty();
    }

    // --- inconclusive verdicts -----------------------------------------------------------------------------------

    @Test
    void anInconclusiveVerdictIsIgnoredByDefaultAndDoesNotKeepALaterAnomalyFromBeingDecided() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ObjectNode verdict = scenario.verdict(v2, "2.0.0", "inconclusive");
        assertThat(EventContract.violations(verdict.toString())).isEmpty();
        scenario.send(ANALYSES, verdict);

        ValidatableResponse skipped = awaitDecisionOf(scenario, v2)
                .body("decision", equalTo("SKIPPED"))
                .body("rule", equalTo("on-inconclusive"))
                .body("trigger", equalTo("verdict"))
                .body("analysisId", equalTo(v2))
                .body("anomalyId", nullValue())
                .body("reason", equalTo("no policy (defaults) ignores inconclusive verdicts (onInconclusive ignore): "
                        + "analysis " + v2 + " of 2.0.0 was inconclusive: latency_p99: 2 intervals so far, the canary"
                        + " detector needs 3"))
                .body("explanation.inputs.verdict", equalTo("inconclusive"));
        String verdictDecision = skipped.extract().path("id");
        JsonNode decided = awaitOne(scenario, Scenario.DECIDED, verdictDecision);
        assertThat(EventContract.violations(decided.toString())).isEmpty();
        assertThat(decided.at("/data/context/links/0/target/contextId").asText()).isEqualTo(verdict.path("id").asText());

        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        JsonNode request = EventContract.parse(scenario.awaitRollbackRequest().value());
        assertThat(request.at("/data/subject/content/deploymentId").asText()).isEqualTo(v2);
        decisionsOf(scenario).body("", hasSize(2));
    }

    @Test
    void passedFailedStepAndCutShortVerdictsAreNotDecidedOnAndMalformedOnesAreDeadLettered() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        scenario.send(ANALYSES, scenario.verdict(v2, "2.0.0", "passed"));
        scenario.send(ANALYSES, scenario.verdict(v2, "2.0.0", "failed"));
        ObjectNode step = scenario.verdict(v2, "2.0.0", "inconclusive");
        step.withObject("/data/subject/content").put("rolloutStep", 1).put("analysisId", v2 + "#1");
        scenario.send(ANALYSES, step);
        ObjectNode restored = scenario.verdict(v2, "2.0.0", "inconclusive");
        restored.withObject("/data/subject/content").put("rollbackId", "rollback-x");
        scenario.send(ANALYSES, restored);
        // monitor-service ends the analysis of every replaced (or rolled back) deployment inconclusive: no decision for v1
        for (String endedBy : List.of("superseded", "rollback")) {
            ObjectNode cutShort = scenario.verdict(v1, "1.0.0", "inconclusive");
            cutShort.withObject("/data/subject/content").put("endedBy", endedBy);
            scenario.send(ANALYSES, cutShort);
        }
        ObjectNode withoutDeployment = scenario.verdict(v2, "2.0.0", "inconclusive");
        withoutDeployment.withObject("/data/subject/content").remove("deploymentId");
        scenario.send(ANALYSES, withoutDeployment);
        scenario.kafka.send(ANALYSES, scenario.key(), "{not json");
        // behind them on the same partition: once it is decided, the others were handled
        scenario.send(ANALYSES, scenario.verdict(v2, "2.0.0", "inconclusive"));

        awaitDecisionOf(scenario, v2).body("rule", equalTo("on-inconclusive"));
        decisionsOf(scenario).body("", hasSize(1));
        List<String> reasons = scenario.kafka.awaitRecords(ANALYSES + ".dlq",
                record -> scenario.key().equals(record.key()), 2).stream()
                .map(record -> KafkaTestClient.header(record, "dead-letter-reason")).toList();
        // each malformed verdict dead-lettered once, in the order it was sent (one key, one partition)
        assertThat(reasons).satisfiesExactly(
                reason -> assertThat(reason).contains("/subject/content/deploymentId"),
                reason -> assertThat(reason).contains("not JSON"));
    }

    // --- the depth guard -----------------------------------------------------------------------------------------

    @Test
    void aRestoredVersionThatFailsAgainIsHeldAndEscalatedThenAPersonCanApproveIt() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", "0.9.0");
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String rollback = EventContract.parse(scenario.awaitRollbackRequest().value()).at("/data/subject/id").asText();
        scenario.send(Scenario.DEPLOYMENTS, scenario.rolledBack(v2, "2.0.0", "1.0.0", rollback));
        awaitStatus(v1, DeploymentStatus.RUNNING);

        ObjectNode relapse = scenario.anomaly(v1, "1.0.0");
        relapse.withObject("/data/customData").put("rollbackId", rollback);
        scenario.send(Scenario.ANOMALIES, relapse);

        String held = awaitDecisionOf(scenario, v1)
                .body("decision", equalTo("HELD"))
                .body("rule", equalTo("depth-guard"))
                .body("depth", equalTo(2))
                .body("toVersion", equalTo("0.9.0"))
                .body("approval.escalatedAt", notNullValue())
                .body("approval.escalationTeam", equalTo("sre-oncall"))
                .body("explanation.inputs.restoredBy", equalTo(rollback))
                .extract().path("id");
        JsonNode escalated = awaitOne(scenario, Scenario.ESCALATED, held);
        assertThat(EventContract.violations(escalated.toString())).isEmpty();
        assertThat(escalated.at("/data/subject/content/escalatedBecause").asText()).isEqualTo("depth-guard");
        assertThat(escalated.at("/data/subject/content/then").asText()).isEqualTo("hold");
        assertThat(escalated.at("/data/subject/content/escalationTeam").asText()).isEqualTo("sre-oncall");
        JsonNode decided = awaitOne(scenario, Scenario.DECIDED, held);
        assertThat(EventContract.violations(decided.toString())).isEmpty();
        assertThat(decided.at("/data/subject/content/explanation/reason").asText()).startsWith("the version rollback "
                + rollback + " restored failed its analysis too (depth 2, maxDepth 1 of no policy (defaults))");
        assertThat(requestsFor(scenario, v1)).as("no automatic rollback of a rollback").isEmpty();

        // a person looks at it and lets it go back further
        approve(held, Map.of("by", "alice", "reason", "0.9.0 is known good")).statusCode(200)
                .body("decision", equalTo("APPROVED"))
                .body("rule", equalTo("approved"))
                .body("approval.settledBy", equalTo("alice"))
                .body("approval.settleReason", equalTo("0.9.0 is known good"))
                .body("reason", equalTo("approved by alice (\"0.9.0 is known good\"): roll " + scenario.service
                        + " 1.0.0 back to 0.9.0"));
        JsonNode request = await().atMost(BOUND).until(() -> requestsFor(scenario, v1), found -> !found.isEmpty()).get(0);
        assertThat(EventContract.violations(request.toString())).isEmpty();
        assertThat(request.at("/data/subject/id").asText()).isEqualTo(held);
        assertThat(request.at("/data/subject/content/decision").asText()).isEqualTo("APPROVED");
        assertThat(request.at("/data/subject/content/toVersion").asText()).isEqualTo("0.9.0");
        List<JsonNode> changes = await().atMost(BOUND).until(() -> scenario.publishedAbout(Scenario.DECIDED, held),
                found -> found.size() == 2);
        JsonNode approved = changes.get(1);
        assertThat(EventContract.violations(approved.toString())).isEmpty();
        assertThat(approved.at("/data/subject/content/previousDecision").asText()).isEqualTo("HELD");
        assertThat(approved.at("/data/subject/content/settledBy").asText()).isEqualTo("alice");
        assertThat(approved.at("/data/context/links/0/target/contextId").asText())
                .as("a change links to the decision's previous event").isEqualTo(changes.get(0).path("id").asText());

        // the same answer again is no change; the opposite one is a conflict
        approve(held, Map.of("by", "alice")).statusCode(200).body("decision", equalTo("APPROVED"));
        reject(held, Map.of("by", "bob", "reason", "no")).statusCode(409)
                .contentType("application/problem+json").body("field", equalTo("decision"));
        Scenario.awaitAllEarlierEventsHandled();
        assertThat(requestsFor(scenario, v1)).hasSize(1);
        assertThat(scenario.publishedAbout(Scenario.DECIDED, held)).hasSize(2);
    }

    @Test
    void aHeldDecisionCanBeRejectedForAReasonAndThenNotApproved() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", "0.9.0");
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String rollback = EventContract.parse(scenario.awaitRollbackRequest().value()).at("/data/subject/id").asText();
        ObjectNode relapse = scenario.anomaly(v1, "1.0.0");
        relapse.withObject("/data/customData").put("rollbackId", rollback);
        scenario.send(Scenario.ANOMALIES, relapse);
        String held = awaitDecisionOf(scenario, v1).body("decision", equalTo("HELD")).extract().path("id");

        reject(held, Map.of("by", "bob")).statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("reason"));
        People.as("bob").header("X-Lifeguard-User", "bob").contentType(ContentType.JSON)
                .body(Map.of("reason", "the database is the culprit, not 1.0.0"))
                .post("/api/v1/rollbacks/{id}/reject", held).then().statusCode(200)
                .body("decision", equalTo("REJECTED"))
                .body("approval.settledBy", equalTo("bob"))
                .body("reason", equalTo("rejected by bob (\"the database is the culprit, not 1.0.0\"): "
                        + scenario.service + " 1.0.0 is not rolled back"));
        reject(held, Map.of("by", "bob", "reason", "again")).statusCode(200).body("approval.settledBy", equalTo("bob"));
        approve(held, Map.of()).statusCode(409).body("field", equalTo("decision"));
        JsonNode rejected = await().atMost(BOUND).until(() -> scenario.publishedAbout(Scenario.DECIDED, held),
                found -> found.size() == 2).get(1);
        assertThat(EventContract.violations(rejected.toString())).isEmpty();
        assertThat(rejected.at("/data/subject/content/decision").asText()).isEqualTo("REJECTED");
        assertThat(rejected.at("/data/subject/content/settleReason").asText())
                .isEqualTo("the database is the culprit, not 1.0.0");
        assertThat(requestsFor(scenario, v1)).isEmpty();
    }

    @Test
    void onlyDecisionsWaitingForAPersonCanBeSettled() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String rolledBack = EventContract.parse(scenario.awaitRollbackRequest().value()).at("/data/subject/id").asText();

        approve(rolledBack, Map.of()).statusCode(409).contentType("application/problem+json")
                .body("field", equalTo("decision"))
                .body("detail", equalTo("decision " + rolledBack + " is ROLL_BACK: only AWAITING_APPROVAL or HELD"
                        + " decisions can be approved"));
        approve("no-such-decision", Map.of()).statusCode(404).contentType("application/problem+json");
        // as curl -d sends it: a form content type, a JSON body; and no body at all
        People.as("you").contentType(ContentType.URLENC).body("{\"by\":\"you\"}")
                .post("/api/v1/rollbacks/{id}/approve", rolledBack).then().statusCode(409);
        given().post("/api/v1/rollbacks/{id}/approve", rolledBack).then().statusCode(409);
        given().contentType(ContentType.JSON).body("[1]").post("/api/v1/rollbacks/{id}/approve", rolledBack).then()
                .statusCode(400).body("field", equalTo("body"));
        given().contentType(ContentType.JSON).body("{\"by\": 7}").post("/api/v1/rollbacks/{id}/approve", rolledBack)
                .then().statusCode(400).body("field", equalTo("by"));
    }

    // --- open executions -----------------------------------------------------------------------------------------

    @Test
    void aTargetWithARollbackStillBeingExecutedGetsNoSecondDecision() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", "0.9.0");
        awaitStatus(v1, DeploymentStatus.RUNNING);
        String canary = "d-" + UUID.randomUUID();
        scenario.send(Scenario.DEPLOYMENTS, scenario.stepStarted(canary, "2.0.1", "1.0.0", 1, 10));
        awaitStatus(canary, DeploymentStatus.ROLLING_OUT);
        scenario.send(Scenario.ANOMALIES, scenario.stepAnomaly(canary, "2.0.1", 1));
        String pulled = EventContract.parse(scenario.awaitRollbackRequest().value()).at("/data/subject/id").asText();

        // the stable version beside it fails too before deploy-service reported on the canary's rollback
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v1, "1.0.0"));

        awaitDecisionOf(scenario, v1).body("decision", equalTo("SKIPPED"))
                .body("rule", equalTo("open-execution"))
                .body("explanation.inputs.openExecution", equalTo(pulled))
                .body("reason", org.hamcrest.Matchers.startsWith("rollback " + pulled + " of " + scenario.key()
                        + " (ROLL_BACK, 2.0.1 -> 1.0.0) is still being executed: no second decision"));
        assertThat(requestsFor(scenario, v1)).isEmpty();
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    static ValidatableResponse approve(String id, Map<String, ?> body) {
        return People.asBy(body).contentType(ContentType.JSON).body(body).post("/api/v1/rollbacks/{id}/approve", id)
                .then();
    }

    static ValidatableResponse reject(String id, Map<String, ?> body) {
        return People.asBy(body).contentType(ContentType.JSON).body(body).post("/api/v1/rollbacks/{id}/reject", id)
                .then();
    }

    static JsonNode awaitOne(Scenario scenario, String type, String decisionId) {
        return await().atMost(BOUND).until(() -> scenario.publishedAbout(type, decisionId), found -> !found.isEmpty())
                .get(0);
    }

    static List<JsonNode> requestsFor(Scenario scenario, String deploymentId) {
        return scenario.publishedRollbackRequestsFor(deploymentId).stream()
                .map(record -> EventContract.parse(record.value())).toList();
    }

    static ValidatableResponse decisionsOf(Scenario scenario) {
        return given().queryParam("service", scenario.service).get("/api/v1/rollbacks").then().statusCode(200);
    }

    /** The decision about {@code deploymentId}, once there is one, as GET /api/v1/rollbacks/{id} shows it. */
    static ValidatableResponse awaitDecisionOf(Scenario scenario, String deploymentId) {
        String id = await().atMost(BOUND).until(() -> decisionsOf(scenario).extract().jsonPath()
                .<Map<String, Object>>getList("").stream()
                .filter(decision -> deploymentId.equals(decision.get("deploymentId")))
                .map(decision -> (String) decision.get("id")).findFirst(), java.util.Optional::isPresent).orElseThrow();
        return given().get("/api/v1/rollbacks/{id}", id).then().statusCode(200);
    }

    void awaitStatus(String deploymentId, DeploymentStatus status) {
        await().atMost(BOUND).until(() -> QuarkusTransaction.requiringNew().call(() ->
                trackedDeployments.findByIdOptional(deploymentId).map(tracked -> tracked.status == status).orElse(false)));
    }
}
