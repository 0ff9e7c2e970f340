package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.DeployFixtures;
import dev.lifeguard.deploy.executor.scripted.ScriptedRollbackExecutor;
import dev.lifeguard.deploy.executor.scripted.ScriptedRollbackExecutor.Step;
import dev.lifeguard.deploy.messaging.AnalysisConsumer;
import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.ANALYSES_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.ROLLBACKS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.publishVerdict;
import static dev.lifeguard.deploy.DeployFixtures.recordsWith;
import static dev.lifeguard.deploy.DeployFixtures.rollbackRequest;
import static dev.lifeguard.deploy.DeployFixtures.scriptedTarget;
import static dev.lifeguard.deploy.DeployFixtures.statusOf;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.deploy.DeployFixtures.verdict;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The failure-mode checklist for the verdict consumer and the rollback runner (the CI and rollback-request consumers
 * have theirs in messaging/ConsumerFailureModesTest): twice at once, database down, an instance that died mid-call.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class ExecutionFailureModesTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @Inject
    AnalysisConsumer analysisConsumer;

    @Inject
    @Identifier(ScriptedRollbackExecutor.NAME)
    ScriptedRollbackExecutor scripted;

    @Inject
    EntityManager entityManager;

    @Test
    void theSameVerdictHandledByTwoInstancesAtOnceIsAppliedOnceAndNeverDeadLettered() throws Exception {
        String service = unique("verdict-twice");
        String v1 = deploy(service, "1.0.0");
        ConsumerRecord<String, String> record = new ConsumerRecord<>(ANALYSES_TOPIC, 0, 1_000_000L, service + "/production",
                verdict(service, v1, "passed", "window"));
        Concurrently.atOnce(BOUND, () -> analysisConsumer.verdict(record), () -> analysisConsumer.verdict(record));
        assertThat(statusOf(service, v1)).isEqualTo("STABLE");
        assertThat(kafka().readAll(ANALYSES_TOPIC + ".dlq")).noneMatch(dead -> dead.value().contains(v1));
    }

    @Test
    void aVerdictDuringADatabaseOutageIsRetriedInPlaceAndAppliedAfterIt() {
        String service = unique("verdict-outage");
        String v1 = deploy(service, "1.0.0");
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            publishVerdict(service, v1, "failed");
            await().atMost(BOUND).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));
        }
        await().atMost(BOUND).untilAsserted(() -> assertThat(statusOf(service, v1)).isEqualTo("FAILED"));
        assertThat(kafka().readAll(ANALYSES_TOPIC + ".dlq")).noneMatch(dead -> dead.value().contains(v1));
    }

    @Test
    void aRollbackLeftExecutingByAnInstanceThatDiedMidCallIsExecutedOnceByAnother() {
        String service = unique("died");
        DeployFixtures.ScriptedTarget target = scriptedTarget(scripted, service, Step.DONE);
        String v1 = target.stableDeploymentId();
        String v2 = target.failingDeploymentId();
        // What a crashed instance leaves behind: accepted, claimed, called once, no result, its claim since lapsed.
        String rollbackId = "crashed-" + UUID.randomUUID();
        OffsetDateTime past = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1);
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        INSERT INTO rollback (id, deployment_id, service, environment, from_version, to_version, reason,
                                              outcome, executor, requested_at, attempts, next_attempt_at, claimed_until,
                                              restored_deployment_id, chain_id)
                        VALUES (:id, :failing, :service, 'production', '2.0.0', '1.0.0', 'error rate', 'EXECUTING',
                                'scripted', :past, 1, :past, :past, :restored, 'chain')""")
                .setParameter("id", rollbackId).setParameter("failing", v2).setParameter("service", service)
                .setParameter("past", past).setParameter("restored", v1)
                .executeUpdate());

        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/rollbacks/{id}", rollbackId).then()
                .body("outcome", equalTo("EXECUTED")).body("attempts", equalTo(2)));
        awaitEnvironment(service, "production", "1.0.0");
        assertThat(scripted.calls(service)).hasSize(1);
    }

    @Test
    void aResultThatCannotBeRecordedWhileTheDatabaseIsDownLeadsToOneMoreIdempotentCallNotALostRollback() {
        String service = unique("settle-outage");
        String v2 = scriptedTarget(scripted, service, Step.BLOCK).failingDeploymentId();
        String rollbackId = UUID.randomUUID().toString();
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), rollbackId, service, v2, "chain-" + service));
        await().atMost(BOUND).until(() -> scripted.calls(service).size() == 1);
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            await().atMost(BOUND).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));
            scripted.release(service);
            // the executor answers while the database is away: the result cannot be recorded
            await().atMost(BOUND).until(() -> scripted.answered(service) >= 1);
        }
        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/rollbacks/{id}", rollbackId).then()
                .body("outcome", equalTo("EXECUTED")));
        awaitEnvironment(service, "production", "1.0.0");
        assertThat(scripted.calls(service)).allSatisfy(plan -> assertThat(plan.rollbackId()).isEqualTo(rollbackId));
        await().atMost(BOUND).until(() -> !recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "service.rolledback").isEmpty());
        assertThat(recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "service.rolledback")).hasSize(1);
    }
}
