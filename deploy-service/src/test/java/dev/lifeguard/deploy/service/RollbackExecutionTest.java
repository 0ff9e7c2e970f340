package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.deploy.executor.scripted.ScriptedRollbackExecutor;
import dev.lifeguard.deploy.executor.scripted.ScriptedRollbackExecutor.Step;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.CI_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.ROLLBACKS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.ciServiceEvent;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.publishVerdict;
import static dev.lifeguard.deploy.DeployFixtures.recordsWith;
import static dev.lifeguard.deploy.DeployFixtures.rollbackRequest;
import static dev.lifeguard.deploy.DeployFixtures.scriptedTarget;
import static dev.lifeguard.deploy.DeployFixtures.statusOf;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The execution flow with an executor scripted per test: accepted and committed before the call, retried with backoff,
 * failed and skipped loudly, accepted and completed later, never executed twice.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RollbackExecutionTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    @Inject
    @Identifier(ScriptedRollbackExecutor.NAME)
    ScriptedRollbackExecutor scripted;

    @Inject
    RollbackExecutions executions;

    /** A target on the scripted executor running 2.0.0 (failing) over 1.0.0 (stable); returns 2.0.0's id. */
    private String failingTarget(String service, Step... script) {
        return scriptedTarget(scripted, service, script).failingDeploymentId();
    }

    private static String requestRollback(String service, String deploymentId) {
        String rollbackId = UUID.randomUUID().toString();
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), rollbackId, service, deploymentId, "chain-" + service));
        return rollbackId;
    }

    private static Map<String, Object> awaitOutcome(String rollbackId, String outcome) {
        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/rollbacks/{id}", rollbackId).then()
                .statusCode(200).body("outcome", equalTo(outcome)));
        return given().get("/api/v1/rollbacks/{id}", rollbackId).then().extract().jsonPath().getMap("$");
    }

    private static JsonNode awaitEvent(String service, String type) {
        ConsumerRecord<String, String> record = kafka().awaitRecord(DEPLOYMENTS_TOPIC, candidate ->
                (service + "/production").equals(candidate.key()) && candidate.value().contains(type));
        assertThat(EventContract.violations(record.value())).as(type + " follows its contract").isEmpty();
        return EventContract.parse(record.value());
    }

    @Test
    void theRollbackIsCommittedAsExecutingBeforeTheExecutorIsCalledAndSettledAfterIt() {
        String service = unique("outside-tx");
        String failing = failingTarget(service, Step.BLOCK);
        String rollbackId = requestRollback(service, failing);

        // While the executor is busy, the accepted rollback is visible to everyone: it was committed before the call.
        await().atMost(BOUND).until(() -> scripted.calls(service).size() == 1);
        given().get("/api/v1/rollbacks/{id}", rollbackId).then()
                .body("outcome", equalTo("EXECUTING"))
                .body("executor", equalTo("scripted"))
                .body("attempts", equalTo(1))
                .body("completeUrl", equalTo("/api/v1/rollbacks/" + rollbackId + "/complete"));
        given().get("/api/v1/services/{s}/environments/production", service).then().body("currentVersion", equalTo("2.0.0"));

        scripted.release(service);
        awaitOutcome(rollbackId, "EXECUTED");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("currentVersion", equalTo("1.0.0"))
                .body("status", equalTo("ANALYSING"))
                .body("lastChange", equalTo("ROLLED_BACK"))
                .body("history[0].status", equalTo("ROLLED_BACK"));
        JsonNode rolledBack = awaitEvent(service, "service.rolledback");
        assertThat(rolledBack.at("/data/customData/reportedBy").asText()).isEqualTo("executor");
        assertThat(rolledBack.at("/data/customData/restoredDeploymentId").asText()).isNotBlank();
        assertThat(scripted.calls(service)).hasSize(1);
        assertThat(scripted.calls(service).get(0).toVersion()).isEqualTo("1.0.0");
        assertThat(scripted.calls(service).get(0).fromVersion()).isEqualTo("2.0.0");
    }

    @Test
    void transientFailuresAreRetriedWithBackoffUntilTheExecutorSucceeds() {
        String service = unique("retry");
        String failing = failingTarget(service, Step.TRANSIENT, Step.TRANSIENT, Step.DONE);
        String rollbackId = requestRollback(service, failing);
        Map<String, Object> rollback = awaitOutcome(rollbackId, "EXECUTED");
        assertThat(rollback.get("attempts")).isEqualTo(3);
        assertThat(scripted.calls(service)).hasSize(3)
                .allSatisfy(plan -> assertThat(plan.rollbackId()).isEqualTo(rollbackId));
        awaitEnvironment(service, "production", "1.0.0");
        assertThat(recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "service.rolledback")).hasSize(1);
    }

    @Test
    void aRollbackThatKeepsFailingTransientlyFailsLoudlyAfterItsAttemptsAndNothingChanges() {
        String service = unique("exhausted");
        String failing = failingTarget(service, Step.TRANSIENT);
        String rollbackId = requestRollback(service, failing);
        Map<String, Object> rollback = awaitOutcome(rollbackId, "FAILED");
        assertThat(rollback.get("attempts")).isEqualTo(3);
        assertThat((String) rollback.get("outcomeDetail")).contains("503").contains("3 attempts");
        JsonNode failed = awaitEvent(service, "lifeguard-rollback.failed");
        assertThat(failed.at("/data/subject/content/attempts").asInt()).isEqualTo(3);
        assertThat(failed.at("/data/subject/content/executor").asText()).isEqualTo("scripted");
        assertThat(failed.at("/data/subject/content/toVersion").asText()).isEqualTo("1.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("currentVersion", equalTo("2.0.0"));
        assertThat(statusOf(service, failing)).isEqualTo("ANALYSING");
    }

    @Test
    void aRefusalFailsAtOnceWithoutRetries() {
        String service = unique("refused");
        String failing = failingTarget(service, Step.FAIL);
        String rollbackId = requestRollback(service, failing);
        Map<String, Object> rollback = awaitOutcome(rollbackId, "FAILED");
        assertThat(rollback.get("attempts")).isEqualTo(1);
        assertThat((String) rollback.get("outcomeDetail")).contains("403");
        awaitEvent(service, "lifeguard-rollback.failed");
    }

    @Test
    void anExecutorThatDoesNotAnswerInTimeCountsAsATransientFailure() {
        String service = unique("hang");
        String failing = failingTarget(service, Step.HANG, Step.DONE);
        String rollbackId = requestRollback(service, failing);
        Map<String, Object> rollback = awaitOutcome(rollbackId, "EXECUTED");
        assertThat(rollback.get("attempts")).isEqualTo(2);
    }

    @Test
    void anAcceptedRollbackWaitsForCompletionByAPerson() {
        String service = unique("accepted");
        String failing = failingTarget(service, Step.ACCEPTED);
        String rollbackId = requestRollback(service, failing);
        awaitOutcome(rollbackId, "ACCEPTED");
        JsonNode accepted = awaitEvent(service, "lifeguard-rollback.accepted");
        assertThat(accepted.at("/data/subject/content/completeUrl").asText())
                .isEqualTo("/api/v1/rollbacks/" + rollbackId + "/complete");
        given().get("/api/v1/services/{s}/environments/production", service).then().body("currentVersion", equalTo("2.0.0"));

        given().contentType("application/json").body(Map.of("note", "helm rollback done"))
                .post("/api/v1/rollbacks/{id}/complete", rollbackId).then().statusCode(200)
                .body("outcome", equalTo("EXECUTED"))
                .body("reportedBy", equalTo("person"))
                .body("outcomeDetail", containsString("helm rollback done"));
        awaitEnvironment(service, "production", "1.0.0");
        JsonNode rolledBack = awaitEvent(service, "service.rolledback");
        assertThat(rolledBack.at("/data/customData/reportedBy").asText()).isEqualTo("person");
        // Completing again changes nothing; completing what does not exist or failed is refused.
        given().contentType("application/json").post("/api/v1/rollbacks/{id}/complete", rollbackId).then().statusCode(200);
        assertThat(recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "service.rolledback")).hasSize(1);
        given().contentType("application/json").post("/api/v1/rollbacks/{id}/complete", "no-such-rollback").then()
                .statusCode(404).contentType("application/problem+json");
    }

    @Test
    void completingAFailedRollbackIsRefused() {
        String service = unique("complete-failed");
        String rollbackId = requestRollback(service, failingTarget(service, Step.FAIL));
        awaitOutcome(rollbackId, "FAILED");
        given().contentType("application/json").post("/api/v1/rollbacks/{id}/complete", rollbackId).then()
                .statusCode(409).contentType("application/problem+json").body("detail", containsString("FAILED"));
    }

    @Test
    void anAcceptedRollbackIsCompletedByCiReportingServiceRolledBack() {
        String service = unique("ci-completes");
        String failing = failingTarget(service, Step.ACCEPTED);
        String rollbackId = requestRollback(service, failing);
        awaitOutcome(rollbackId, "ACCEPTED");
        kafka().send(CI_TOPIC, service + "/production",
                ciServiceEvent(UUID.randomUUID().toString(), "rolledback", service, "1.0.0", null));
        Map<String, Object> rollback = awaitOutcome(rollbackId, "EXECUTED");
        assertThat(rollback.get("reportedBy")).isEqualTo("ci");
        awaitEnvironment(service, "production", "1.0.0");
    }

    @Test
    void rollbacksThatCannotBeExecutedAreSkippedAndSaySo() {
        // Nothing earlier to go back to.
        String lonely = unique("lonely");
        String only = deploy(lonely, "1.0.0");
        String noTarget = requestRollback(lonely, only);
        Map<String, Object> skipped = awaitOutcome(noTarget, "SKIPPED");
        assertThat((String) skipped.get("outcomeDetail")).contains("no version to go back to");
        JsonNode event = awaitEvent(lonely, "lifeguard-rollback.skipped");
        assertThat(event.at("/data/subject/content/detail").asText()).contains("no version to go back to");

        // Replaced before the request arrived.
        String replaced = unique("replaced");
        deploy(replaced, "1.0.0");
        String v2 = deploy(replaced, "2.0.0");
        deploy(replaced, "3.0.0");
        assertThat((String) awaitOutcome(requestRollback(replaced, v2), "SKIPPED").get("outcomeDetail"))
                .contains("no longer current");

        // A second request while the first is still executing.
        String busy = unique("busy");
        String failing = failingTarget(busy, Step.BLOCK);
        String first = requestRollback(busy, failing);
        await().atMost(BOUND).until(() -> scripted.calls(busy).size() == 1);
        String second = requestRollback(busy, failing);
        assertThat((String) awaitOutcome(second, "SKIPPED").get("outcomeDetail")).contains(first).contains("executing");
        scripted.release(busy);
        awaitOutcome(first, "EXECUTED");
        assertThat(scripted.calls(busy)).hasSize(1);
    }

    @Test
    void aFailedVersionIsNeverTheTargetEvenWhenTheRequestNamesIt() {
        String service = unique("never-failed");
        scripted.script(service, Step.DONE);
        given().contentType("application/json").body(Map.of("executor", "scripted"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200);
        String v1 = deploy(service, "1.0.0");
        publishVerdict(service, v1, "passed");
        await().atMost(BOUND).untilAsserted(() -> assertThat(statusOf(service, v1)).isEqualTo("STABLE"));
        String v2 = deploy(service, "2.0.0");
        publishVerdict(service, v2, "failed");
        await().atMost(BOUND).untilAsserted(() -> assertThat(statusOf(service, v2)).isEqualTo("FAILED"));
        String v3 = deploy(service, "3.0.0");
        // The request (the golden example) names 1.0.0; here we ask for 2.0.0, which failed.
        String rollbackId = UUID.randomUUID().toString();
        String request = rollbackRequest(UUID.randomUUID().toString(), rollbackId, service, v3, "chain-" + service)
                .replace("\"toVersion\":\"1.0.0\"", "\"toVersion\":\"2.0.0\"").replace("\"fromVersion\":\"2.0.0\"", "\"fromVersion\":\"3.0.0\"");
        kafka().send(ROLLBACKS_TOPIC, service + "/production", request);
        Map<String, Object> rollback = awaitOutcome(rollbackId, "EXECUTED");
        assertThat(rollback.get("toVersion")).isEqualTo("1.0.0");
        awaitEnvironment(service, "production", "1.0.0");
    }

    @Test
    void twoInstancesClaimingAtOnceCallTheExecutorOnce() throws Exception {
        String service = unique("claims");
        String failing = failingTarget(service, Step.BLOCK);
        String rollbackId = requestRollback(service, failing);
        await().atMost(BOUND).until(() -> scripted.calls(service).size() == 1);
        // This instance holds the claim: a second runner (another instance) finds nothing to claim for it.
        List<RollbackExecutions.Claim> others = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread[] runners = new Thread[4];
        for (int i = 0; i < runners.length; i++) {
            runners[i] = new Thread(() -> executions.claimNext().filter(c -> c.rollbackId().equals(rollbackId)).ifPresent(others::add));
            runners[i].start();
        }
        for (Thread runner : runners) {
            runner.join();
        }
        assertThat(others).isEmpty();
        scripted.release(service);
        awaitOutcome(rollbackId, "EXECUTED");
        assertThat(scripted.calls(service)).hasSize(1);
    }
}
