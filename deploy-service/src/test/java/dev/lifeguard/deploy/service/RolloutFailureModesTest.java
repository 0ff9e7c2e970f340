package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.deploy.executor.RollbackExecutor.StepAction;
import dev.lifeguard.deploy.executor.scripted.ScriptedRollbackExecutor;
import dev.lifeguard.deploy.executor.scripted.ScriptedRollbackExecutor.Step;
import dev.lifeguard.deploy.messaging.AnalysisConsumer;
import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.lifeguard.deploy.DeployFixtures.ANALYSES_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.CI_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.ROLLBACKS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.ciDeployment;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.publishStepVerdict;
import static dev.lifeguard.deploy.DeployFixtures.recordsWith;
import static dev.lifeguard.deploy.DeployFixtures.rollbackRequest;
import static dev.lifeguard.deploy.DeployFixtures.stepVerdict;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.deploy.service.RolloutFixtures.BOUND;
import static dev.lifeguard.deploy.service.RolloutFixtures.act;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitPhase;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitRollout;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitRolloutEvents;
import static dev.lifeguard.deploy.service.RolloutFixtures.canary;
import static dev.lifeguard.deploy.service.RolloutFixtures.rollOut;
import static dev.lifeguard.deploy.service.RolloutFixtures.rolloutEvents;
import static dev.lifeguard.deploy.service.RolloutFixtures.view;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The failure-mode checklist for rollouts: executor calls that fail (once, transiently, for good), two instances
 * claiming one step, a verdict delivered twice at once or during a database outage, a verdict that never comes, a
 * rollback request for a deployment that is rolling out, and a CI deployment arriving mid-rollout.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RolloutFailureModesTest {

    @Inject
    @Identifier(ScriptedRollbackExecutor.NAME)
    ScriptedRollbackExecutor scripted;

    @Inject
    Rollouts rollouts;

    @Inject
    AnalysisConsumer analysisConsumer;

    /** A target on the scripted executor whose rollout steps answer {@code answers}; 1.0.0 current. */
    private String scriptedTarget(String service, Step... answers) {
        scripted.script(service, Step.DONE);
        scripted.scriptSteps(service, answers);
        given().contentType(ContentType.JSON).body(Map.of("executor", "scripted"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200);
        return deploy(service, "1.0.0");
    }

    @Test
    void aStepTheExecutorRefusesPausesTheRolloutAndResumeTriesItAgain() {
        String service = unique("step-refused");
        scriptedTarget(service, Step.FAIL, Step.DONE);
        String v2 = rollOut(service, "2.0.0", canary());
        JsonPath paused = awaitRollout(v2, "PAUSED", 0);
        assertThat(paused.getString("rollout.pausedBy")).isEqualTo("executor");
        assertThat(paused.getString("rollout.pausedReason")).contains("set-weight failed").contains("403");
        assertThat(paused.getInt("rollout.weight")).isZero();
        JsonNode event = awaitRolloutEvents(service, v2, "paused", 1).get(0);
        assertThat(event.at("/data/subject/content/pausedBy").asText()).isEqualTo("executor");

        act(v2, "resume", Map.of()).statusCode(200);
        assertThat(awaitRollout(v2, "ANALYSING", 1).getInt("rollout.weight")).isEqualTo(10);
        assertThat(scripted.steps(service)).extracting(step -> step.stepId())
                .containsExactly(v2 + "/0/set-weight", v2 + "/0/set-weight");
        assertThat(scripted.steps(service).get(0).stableVersion()).isEqualTo("1.0.0");
        assertThat(scripted.steps(service).get(0).weight()).isEqualTo(10);
        assertThat(scripted.steps(service).get(0).strategy()).isEqualTo("canary");
    }

    @Test
    void transientStepFailuresAreRetriedWithBackoffWithoutPausing() {
        String service = unique("step-transient");
        scriptedTarget(service, Step.TRANSIENT, Step.TRANSIENT, Step.DONE);
        String v2 = rollOut(service, "2.0.0", canary());
        awaitRollout(v2, "ANALYSING", 1);
        assertThat(scripted.steps(service)).hasSize(3);
        assertThat(rolloutEvents(service, v2, "paused")).isEmpty();
    }

    @Test
    void twoInstancesClaimingAtOnceApplyAStepOnce() throws Exception {
        String service = unique("step-claims");
        scriptedTarget(service, Step.BLOCK);
        String v2 = rollOut(service, "2.0.0", canary());
        await().atMost(BOUND).until(() -> scripted.steps(service).size() == 1);
        // This instance holds the claim: other runners (other instances) find nothing to claim for it.
        List<Rollouts.StepClaim> others = new CopyOnWriteArrayList<>();
        Thread[] runners = new Thread[4];
        for (int i = 0; i < runners.length; i++) {
            runners[i] = new Thread(() -> rollouts.claimNext().filter(c -> c.deploymentId().equals(v2))
                    .ifPresent(others::add));
            runners[i].start();
        }
        for (Thread runner : runners) {
            runner.join();
        }
        assertThat(others).isEmpty();
        scripted.release(service);
        awaitRollout(v2, "ANALYSING", 1);
        assertThat(scripted.steps(service)).hasSize(1);
    }

    @Test
    void theSameStepVerdictHandledTwiceAtOnceMovesTheRolloutOneStep() {
        String service = unique("verdict-twice");
        deploy(service, "1.0.0");
        String v2 = rollOut(service, "2.0.0", canary());
        awaitRollout(v2, "ANALYSING", 1);
        ConsumerRecord<String, String> record = new ConsumerRecord<>(ANALYSES_TOPIC, 0, 2_000_000L,
                service + "/production", stepVerdict(service, v2, 1, "passed"));
        Concurrently.atOnce(BOUND, () -> analysisConsumer.verdict(record), () -> analysisConsumer.verdict(record));
        awaitRollout(v2, "ANALYSING", 3);
        analysisConsumer.verdict(record);
        assertThat(view(v2).getInt("rollout.stepIndex")).isEqualTo(3);
        assertThat(awaitRolloutEvents(service, v2, "step-started", 4)).hasSize(4);
    }

    @Test
    void aStepVerdictDuringADatabaseOutageIsAppliedAfterIt() {
        String service = unique("verdict-outage");
        deploy(service, "1.0.0");
        String v2 = rollOut(service, "2.0.0", canary());
        awaitRollout(v2, "ANALYSING", 1);
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            publishStepVerdict(service, v2, 1, "passed");
            await().atMost(BOUND).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));
        }
        awaitRollout(v2, "ANALYSING", 3);
        assertThat(kafka().readAll(ANALYSES_TOPIC + ".dlq")).noneMatch(dead -> dead.value().contains(v2));
    }

    @Test
    void aPauseStepWithoutItsVerdictInTimePausesTheRollout() {
        String service = unique("no-verdict");
        deploy(service, "1.0.0");
        String v2 = rollOut(service, "2.0.0", canary(Map.of("setWeight", 10), Map.of("pause", "1s"),
                Map.of("setWeight", 100)));
        JsonPath paused = awaitRollout(v2, "PAUSED", 1);
        assertThat(paused.getString("rollout.pausedBy")).isEqualTo("analysis");
        assertThat(paused.getString("rollout.pausedReason")).contains("no verdict");
        // a late verdict after the pause is recorded; the rollout waits for a person
        act(v2, "resume", Map.of()).statusCode(200);
        awaitPhase(v2, "PROMOTED");
    }

    @Test
    void aRollbackRequestNamingARollingOutDeploymentAbortsItsRolloutOnce() {
        String service = unique("abort-request");
        String v1 = scriptedTarget(service, Step.DONE);
        String v2 = rollOut(service, "2.0.0", canary());
        awaitRollout(v2, "ANALYSING", 1);
        String rollbackId = "rb-" + UUID.randomUUID();
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), rollbackId, service, v2, "chain-" + service));
        awaitPhase(v2, "ABORTED");
        given().get("/api/v1/rollbacks/{id}", rollbackId).then().body("outcome", equalTo("EXECUTED"))
                .body("restoredDeploymentId", equalTo(v1));
        JsonNode aborted = awaitRolloutEvents(service, v2, "aborted", 1).get(0);
        assertThat(aborted.at("/data/subject/content/abortedBy").asText()).isEqualTo("rollback");
        assertThat(aborted.at("/data/subject/content/rollbackId").asText()).isEqualTo(rollbackId);
        assertThat(scripted.steps(service)).extracting(step -> step.action())
                .containsExactly(StepAction.SET_WEIGHT, StepAction.ABORT);
        assertThat(scripted.calls(service)).isEmpty();

        String second = "rb-" + UUID.randomUUID();
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), second, service, v2, "chain-" + service));
        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/rollbacks/{id}", second).then()
                .statusCode(200).body("outcome", equalTo("SKIPPED"))
                .body("outcomeDetail", containsString("rollout already aborted by " + rollbackId)));
        awaitEnvironment(service, "production", "1.0.0");
    }

    @Test
    void anAbortTheExecutorCannotCarryOutFailsLoudlyAndAPersonAbortsAgainOnceItWorks() {
        String service = unique("abort-fails");
        String v1 = scriptedTarget(service, Step.DONE, Step.FAIL);
        String v2 = rollOut(service, "2.0.0", canary());
        awaitRollout(v2, "ANALYSING", 1);
        act(v2, "abort", Map.of("reason", "stop")).statusCode(200);
        JsonPath failed = awaitPhase(v2, "ABORT_FAILED");
        assertThat(failed.getString("status")).isEqualTo("ROLLING_OUT");
        given().get("/api/v1/rollbacks/{id}", "abort-" + v2).then().body("outcome", equalTo("FAILED"));
        await().atMost(BOUND).until(() -> !recordsWith(DEPLOYMENTS_TOPIC, service + "/production",
                "lifeguard-rollback.failed").isEmpty());

        // the executor works again: a person aborts again, as a new rollback; the failed one keeps its outcome
        scripted.scriptSteps(service, Step.DONE);
        act(v2, "abort", Map.of("reason", "stop, second try", "by", "alice")).statusCode(200);
        JsonPath aborted = awaitPhase(v2, "ABORTED");
        String retry = "abort-" + v2 + "-2";
        assertThat(aborted.getString("status")).isEqualTo("ROLLED_BACK");
        assertThat(aborted.getString("rollout.abortRollbackId")).isEqualTo(retry);
        given().get("/api/v1/rollbacks/{id}", "abort-" + v2).then().body("outcome", equalTo("FAILED"));
        given().get("/api/v1/rollbacks/{id}", retry).then().body("outcome", equalTo("EXECUTED"))
                .body("restoredDeploymentId", equalTo(v1));
        assertThat(scripted.steps(service)).extracting(step -> step.action())
                .containsExactly(StepAction.SET_WEIGHT, StepAction.ABORT, StepAction.ABORT);
        assertThat(awaitRolloutEvents(service, v2, "aborted", 2))
                .extracting(event -> event.at("/data/subject/content/rollbackId").asText())
                .containsExactly("abort-" + v2, retry);
        await().atMost(BOUND).until(() -> !recordsWith(DEPLOYMENTS_TOPIC, service + "/production",
                "service.rolledback").isEmpty());
        // one outcome event per rollback: failed for the first, rolled back for the second
        assertThat(recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "service.rolledback"))
                .singleElement().satisfies(record -> assertThat(record.value()).contains(retry));
        assertThat(recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "lifeguard-rollback.failed"))
                .singleElement().satisfies(record -> assertThat(record.value()).contains("abort-" + v2)
                        .doesNotContain(retry));
        awaitEnvironment(service, "production", "1.0.0");
        act(v2, "abort", Map.of("reason", "again")).statusCode(409).body("detail", containsString("ABORTED"));
    }

    @Test
    void aCiDeploymentArrivingMidRolloutIsKeptInTheHistoryOnly() {
        String service = unique("ci-mid-rollout");
        deploy(service, "1.0.0");
        String v2 = rollOut(service, "2.0.0", canary());
        awaitRollout(v2, "ANALYSING", 1);
        kafka().send(CI_TOPIC, service + "/production", ciDeployment(UUID.randomUUID().toString(), service, "3.0.0"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(given().get("/api/v1/services/{s}/environments/production",
                service).then().extract().jsonPath().getString("history.find { it.version == '3.0.0' }.statusReason"))
                .contains("rollout of 2.0.0 in progress"));
        assertThat(view(v2).getString("rollout.phase")).isEqualTo("ANALYSING");
        awaitEnvironment(service, "production", "1.0.0");
    }

    @Test
    void acrossABrokerRestartTheRolloutGoesOnAndItsEventsArePublishedInOrder() {
        String service = unique("rollout-broker");
        deploy(service, "1.0.0");
        String v2;
        KafkaBrokerResource.broker().stopBroker();
        try {
            // the steps need no broker: their events wait in the outbox
            v2 = rollOut(service, "2.0.0", canary(Map.of("setWeight", 10), Map.of("pause", "5m"),
                    Map.of("setWeight", 100)));
            awaitRollout(v2, "ANALYSING", 1);
        } finally {
            KafkaBrokerResource.broker().startBroker();
        }
        List<JsonNode> started = awaitRolloutEvents(service, v2, "step-started", 2);
        assertThat(started).extracting(step -> step.at("/data/subject/content/step/kind").asText())
                .containsExactly("set-weight", "pause");
        publishStepVerdict(service, v2, 1, "passed");
        awaitPhase(v2, "PROMOTED");
        assertThat(awaitRolloutEvents(service, v2, "promoted", 1)).hasSize(1);
    }
}
