package dev.lifeguard.rollback.messaging;

import dev.lifeguard.rollback.People;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.RollbackDecision;
import dev.lifeguard.rollback.Scenario;
import dev.lifeguard.rollback.TrackedDeployment;
import dev.lifeguard.rollback.repository.EarlyRollbackRepository;
import dev.lifeguard.rollback.repository.PendingAnomalyRepository;
import dev.lifeguard.rollback.repository.RollbackDecisionRepository;
import dev.lifeguard.rollback.repository.TrackedDeploymentRepository;
import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TopicReset;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.lifeguard.testsupport.ServiceHealth.stuckChannel;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure-mode checklist for rollback-service's three consumers, deployment events ({@code deployments}),
 * anomalies ({@code anomalies}) and analysis verdicts ({@code analyses}), and for approving a decision: twice, out of
 * order, after a topic reset, with the database down, by two instances at once, across a broker restart.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class ConsumerFailureModesTest {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String GROUP = "lifeguard-rollback-service";
    private static final String ANALYSES = "lifeguard.analyses";

    @Inject
    DeploymentEventConsumer deploymentConsumer;

    @Inject
    AnomalyConsumer anomalyConsumer;

    @Inject
    AnalysisVerdictConsumer verdictConsumer;

    @Inject
    TrackedDeploymentRepository trackedDeployments;

    @Inject
    RollbackDecisionRepository decisions;

    @Inject
    EarlyRollbackRepository earlyRollbacks;

    @Inject
    PendingAnomalyRepository pendingAnomalies;

    // --- twice -----------------------------------------------------------------------------------------------

    @Test
    void redeliveredDeploymentEventsChangeNothing() throws Exception {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        ObjectNode v2Deployed = scenario.deployment("d-" + UUID.randomUUID(), "2.0.0", "1.0.0");
        String v2 = v2Deployed.at("/data/customData/deploymentId").asText();
        ObjectNode v2RolledBack = scenario.rolledBack(v2, "2.0.0", "1.0.0");
        scenario.send(Scenario.DEPLOYMENTS, v2Deployed);
        scenario.send(Scenario.DEPLOYMENTS, v2RolledBack);
        awaitStatus(v2, DeploymentStatus.ROLLED_BACK);
        awaitStatus(v1, DeploymentStatus.RUNNING);
        List<String> before = snapshot(scenario);

        handle(() -> deploymentConsumer.consume(scenario.record(Scenario.DEPLOYMENTS, v2Deployed)));
        handle(() -> deploymentConsumer.consume(scenario.record(Scenario.DEPLOYMENTS, v2RolledBack)));

        assertThat(snapshot(scenario)).as("the redelivered deployment does not run again").isEqualTo(before)
                .containsExactlyInAnyOrder(v1 + " RUNNING", v2 + " ROLLED_BACK");
    }

    @Test
    void redeliveredAnomalyMakesNoSecondDecisionAndNoSecondRequest() throws Exception {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ObjectNode anomaly = scenario.anomaly(v2, "2.0.0");
        scenario.send(Scenario.ANOMALIES, anomaly);
        scenario.awaitRollbackRequest();

        handle(() -> anomalyConsumer.consume(scenario.record(Scenario.ANOMALIES, anomaly)));

        assertThat(decisionsFor(v2)).extracting(decision -> decision.decision).containsExactly(Decision.ROLL_BACK);
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequestsFor(v2)).hasSize(1);
    }

    @Test
    void aRolloutStepAndItsAnomalyDeliveredTwiceMakeOneDecisionAndOneRequest() throws Exception {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        String canary = "d-" + UUID.randomUUID();
        ObjectNode step = scenario.stepStarted(canary, "2.0.1", "1.0.0", 1, 10);
        scenario.send(Scenario.DEPLOYMENTS, step);
        awaitStatus(canary, DeploymentStatus.ROLLING_OUT);
        ObjectNode anomaly = scenario.stepAnomaly(canary, "2.0.1", 1);
        scenario.send(Scenario.ANOMALIES, anomaly);
        scenario.awaitRollbackRequest();
        List<String> before = snapshot(scenario);

        handle(() -> deploymentConsumer.consume(scenario.record(Scenario.DEPLOYMENTS, step)));
        handle(() -> anomalyConsumer.consume(scenario.record(Scenario.ANOMALIES, anomaly)));

        assertThat(snapshot(scenario)).isEqualTo(before)
                .containsExactlyInAnyOrder(v1 + " RUNNING", canary + " ROLLING_OUT");
        assertThat(decisionsFor(canary)).extracting(decision -> decision.decision).containsExactly(Decision.ROLL_BACK);
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequestsFor(canary)).hasSize(1);
    }

    @Test
    void anAnomalyOfATransactionTheEngineAbortedIsNeverActedOn() throws Exception {
        Scenario aborted = new Scenario();
        aborted.deploy("1.0.0", null);
        String abortedV2 = aborted.deploy("2.0.0", "1.0.0");
        Scenario committed = new Scenario();
        committed.deploy("1.0.0", null);
        String committedV2 = committed.deploy("2.0.0", "1.0.0");
        awaitStatus(abortedV2, DeploymentStatus.RUNNING);
        awaitStatus(committedV2, DeploymentStatus.RUNNING);

        // as monitor-service's engine writes: in a transaction, which a crash may abort after the send
        java.util.Properties settings = new java.util.Properties();
        settings.put("bootstrap.servers", KafkaBrokerResource.bootstrapServers());
        settings.put("transactional.id", "engine-like-" + UUID.randomUUID());
        settings.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        settings.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(settings)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Scenario.ANOMALIES, aborted.key(),
                    aborted.anomaly(abortedV2, "2.0.0").toString())).get();
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Scenario.ANOMALIES, committed.key(),
                    committed.anomaly(committedV2, "2.0.0").toString())).get();
            producer.commitTransaction();
        }

        committed.awaitRollbackRequest();
        Scenario.awaitAllEarlierEventsHandled();
        assertThat(decisionsFor(abortedV2)).isEmpty();
        assertThat(decisionsFor(committedV2)).extracting(decision -> decision.decision).containsExactly(Decision.ROLL_BACK);
    }

    @Test
    void aRedeliveredVerdictMakesNoSecondDecision() throws Exception {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ObjectNode verdict = scenario.verdict(v2, "2.0.0", "inconclusive");
        scenario.send(ANALYSES, verdict);
        awaitDecision(v2);

        handle(() -> verdictConsumer.consume(scenario.record(ANALYSES, verdict)));
        // another verdict of the same deployment (a re-run analysis) is no second decision either
        handle(() -> verdictConsumer.consume(scenario.record(ANALYSES, scenario.verdict(v2, "2.0.0", "inconclusive"))));

        assertThat(decisionsFor(v2)).extracting(decision -> decision.decision).containsExactly(Decision.SKIPPED);
        awaitOutboxDrained(scenario);
        assertThat(scenario.published(Scenario.DECIDED)).hasSize(1);
    }

    // --- out of order -----------------------------------------------------------------------------------------

    @Test
    void aVerdictBeforeItsDeploymentIsSkippedAndTheDeploymentsAnomalyIsStillDecided() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = "d-" + UUID.randomUUID();
        scenario.send(ANALYSES, scenario.verdict(v2, "2.0.0", "inconclusive"));
        RollbackDecision skipped = awaitDecision(v2);
        assertThat(skipped.decision).isEqualTo(Decision.SKIPPED);
        assertThat(skipped.rule).isEqualTo("target-selection");
        assertThat(skipped.reason).startsWith("inconclusive verdict for unknown deployment " + v2);

        scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(v2, "2.0.0", "1.0.0"));
        awaitStatus(v2, DeploymentStatus.RUNNING);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        scenario.awaitRollbackRequest();
        assertThat(decisionsFor(v2)).extracting(decision -> decision.decision)
                .containsExactlyInAnyOrder(Decision.SKIPPED, Decision.ROLL_BACK);
    }

    @Test
    void rollbackThatArrivesBeforeItsDeploymentIsAppliedWhenTheDeploymentArrives() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        awaitStatus(v1, DeploymentStatus.RUNNING);
        String v2 = "d-" + UUID.randomUUID();
        scenario.send(Scenario.DEPLOYMENTS, scenario.rolledBack(v2, "2.0.0", "1.0.0"));
        scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(v2, "2.0.0", "1.0.0"));

        TrackedDeployment tracked = awaitTracked(v2);
        assertThat(tracked.status).as("tracked as rolled back, not as running").isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(tracked.rolledBackTo).isEqualTo("1.0.0");
        assertThat(status(v1)).as("what ran before keeps running").contains(DeploymentStatus.RUNNING);
        assertThat(QuarkusTransaction.requiringNew().call(() -> earlyRollbacks.findByIdOptional(v2)))
                .as("the remembered rollback has been applied").isEmpty();

        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        RollbackDecision skipped = awaitDecision(v2);
        assertThat(skipped.decision).isEqualTo(Decision.SKIPPED);
        assertThat(skipped.reason).startsWith("deployment " + v2 + " was rolled back already (to 1.0.0); error_rate");
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequestsFor(v2)).isEmpty();
    }

    @Test
    void aStepAnomalyBeforeItsRolloutStepWaitsAndIsDecidedWhenTheStepArrives() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        String canary = "d-" + UUID.randomUUID();
        scenario.send(Scenario.ANOMALIES, scenario.stepAnomaly(canary, "2.0.1", 1));
        awaitPending(canary);

        scenario.send(Scenario.DEPLOYMENTS, scenario.stepStarted(canary, "2.0.1", "1.0.0", 1, 10));

        RollbackDecision decided = awaitDecision(canary);
        assertThat(decided.decision).isEqualTo(Decision.ROLL_BACK);
        assertThat(decided.toVersion).isEqualTo("1.0.0");
        assertThat(decided.reason).startsWith("canary 2.0.1 failed its analysis at step 2 (10% of traffic)");
        assertThat(QuarkusTransaction.requiringNew().call(() -> pendingAnomalies.findByIdOptional(canary))).isEmpty();
        assertThat(status(v1)).contains(DeploymentStatus.RUNNING);
    }

    @Test
    void anOlderRolloutStepArrivingAfterANewerOneLeavesTheNewerStep() {
        Scenario scenario = new Scenario();
        String canary = "d-" + UUID.randomUUID();
        scenario.send(Scenario.DEPLOYMENTS, scenario.stepStarted(canary, "2.0.1", "1.0.0", 3, 50));
        scenario.send(Scenario.DEPLOYMENTS, scenario.stepStarted(canary, "2.0.1", "1.0.0", 1, 10));
        // a later event on the same partition: once it is tracked, both steps were taken
        String marker = "d-" + UUID.randomUUID();
        scenario.send(Scenario.DEPLOYMENTS, scenario.stepStarted(marker, "9.0.0", "1.0.0", 1, 10));
        awaitTracked(marker);

        TrackedDeployment tracked = awaitTracked(canary);
        assertThat(tracked.status).isEqualTo(DeploymentStatus.ROLLING_OUT);
        assertThat(tracked.rolloutStep).isEqualTo(3);
        assertThat(tracked.rolloutWeight).isEqualTo(50);
    }

    @Test
    void anomalyWaitingForADeploymentThatWasRolledBackBeforeItArrivedIsSkipped() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        String v2 = "d-" + UUID.randomUUID();
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        awaitPending(v2);
        scenario.send(Scenario.DEPLOYMENTS, scenario.rolledBack(v2, "2.0.0", "1.0.0"));
        scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(v2, "2.0.0", "1.0.0"));

        RollbackDecision skipped = awaitDecision(v2);
        assertThat(skipped.decision).isEqualTo(Decision.SKIPPED);
        assertThat(skipped.reason).startsWith("deployment " + v2 + " was rolled back already (to 1.0.0)");
        assertThat(status(v1)).contains(DeploymentStatus.RUNNING);
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequestsFor(v2)).isEmpty();
    }

    @Test
    void olderDeploymentFirstSeenAfterANewerOneIsTrackedAsSupersededAndLeavesTheNewerOneRunning() {
        Scenario scenario = new Scenario();
        Instant now = Instant.now();
        String v1 = "d-" + UUID.randomUUID();
        String v2 = "d-" + UUID.randomUUID();
        scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(v2, "2.0.0", "1.0.0", now));
        scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(v1, "1.0.0", null, now.minusSeconds(3600)));

        assertThat(awaitTracked(v1).status).isEqualTo(DeploymentStatus.SUPERSEDED);
        assertThat(status(v2)).contains(DeploymentStatus.RUNNING);

        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v1, "1.0.0"));
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        assertThat(awaitDecision(v1).reason)
                .startsWith("deployment " + v1 + " is not running any more (a newer deployment replaced it)");
        RollbackDecision rollBack = awaitDecision(v2);
        assertThat(rollBack.decision).isEqualTo(Decision.ROLL_BACK);
        assertThat(rollBack.toVersion).isEqualTo("1.0.0");

        // the late deployment is what a rollback to its version restores
        scenario.send(Scenario.DEPLOYMENTS, scenario.rolledBack(v2, "2.0.0", "1.0.0"));
        awaitStatus(v1, DeploymentStatus.RUNNING);
        assertThat(status(v2)).contains(DeploymentStatus.ROLLED_BACK);
    }

    @Test
    void deploymentARollbackWentBackToRunsAgainWhenItsLateEventArrives() {
        Scenario scenario = new Scenario();
        Instant now = Instant.now();
        String v1 = "d-" + UUID.randomUUID();
        String v2 = "d-" + UUID.randomUUID();
        scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(v2, "2.0.0", "1.0.0", now));
        scenario.send(Scenario.DEPLOYMENTS, scenario.rolledBack(v2, "2.0.0", "1.0.0"));
        scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(v1, "1.0.0", null, now.minusSeconds(3600)));

        awaitStatus(v1, DeploymentStatus.RUNNING);
        assertThat(status(v2)).contains(DeploymentStatus.ROLLED_BACK);
    }

    // An anomaly that overtakes its deployment: RollbackDecisionTest#anomalyThatOvertakesItsDeploymentWaitsForIt.

    // --- after a topic reset ------------------------------------------------------------------------------------

    @Test
    void afterTheDeploymentsTopicIsRecreatedOldEventsAreNotAppliedAgainAndNewOnesAre() throws Exception {
        Scenario scenario = new Scenario();
        Instant start = Instant.now().minusSeconds(60);
        String v1 = "d-" + UUID.randomUUID();
        String v2 = "d-" + UUID.randomUUID();
        List<ObjectNode> old = List.of(scenario.deployment(v1, "1.0.0", null, start),
                scenario.deployment(v2, "2.0.0", "1.0.0", start.plusSeconds(10)),
                scenario.rolledBack(v2, "2.0.0", "1.0.0"));
        old.forEach(event -> scenario.send(Scenario.DEPLOYMENTS, event));
        awaitStatus(v2, DeploymentStatus.ROLLED_BACK);
        awaitStatus(v1, DeploymentStatus.RUNNING);

        TopicReset.recreate(GROUP, Scenario.DEPLOYMENTS);
        old.forEach(event -> scenario.send(Scenario.DEPLOYMENTS, event));
        String v3 = "d-" + UUID.randomUUID();
        scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(v3, "3.0.0", "1.0.0"));

        awaitStatus(v3, DeploymentStatus.RUNNING);
        assertThat(snapshot(scenario)).containsExactlyInAnyOrder(
                v1 + " SUPERSEDED", v2 + " ROLLED_BACK", v3 + " RUNNING");
        assertThat(awaitTracked(v1).statusChangedAt).as("v1 was superseded by v3, not replayed over")
                .isEqualTo(awaitTracked(v3).statusChangedAt);
    }

    @Test
    void afterTheAnomaliesTopicIsRecreatedOldAnomaliesAreNotDecidedAgainAndNewOnesAre() throws Exception {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ObjectNode old = scenario.anomaly(v2, "2.0.0");
        scenario.send(Scenario.ANOMALIES, old);
        scenario.awaitRollbackRequest();
        String v3 = scenario.deploy("3.0.0", "1.0.0");
        awaitStatus(v3, DeploymentStatus.RUNNING);

        TopicReset.recreate(GROUP, Scenario.ANOMALIES);
        scenario.send(Scenario.ANOMALIES, old);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v3, "3.0.0"));

        assertThat(awaitDecision(v3).decision).isEqualTo(Decision.ROLL_BACK);
        assertThat(decisionsFor(v2)).as("the old anomaly is not decided twice").hasSize(1);
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequestsFor(v2)).hasSize(1);
        assertThat(scenario.publishedRollbackRequestsFor(v3)).hasSize(1);
    }

    @Test
    void afterTheAnalysesTopicIsRecreatedOldVerdictsAreNotDecidedAgainAndNewOnesAre() throws Exception {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ObjectNode old = scenario.verdict(v2, "2.0.0", "inconclusive");
        scenario.send(ANALYSES, old);
        awaitDecision(v2);
        String v3 = scenario.deploy("3.0.0", "1.0.0");
        awaitStatus(v3, DeploymentStatus.RUNNING);

        TopicReset.recreate(GROUP, ANALYSES);
        scenario.send(ANALYSES, old);
        scenario.send(ANALYSES, scenario.verdict(v3, "3.0.0", "inconclusive"));

        assertThat(awaitDecision(v3).rule).isEqualTo("on-inconclusive");
        assertThat(decisionsFor(v2)).as("the old verdict is not decided twice").hasSize(1);
    }

    // --- database down -------------------------------------------------------------------------------------------

    @Test
    void verdictsDuringADatabaseOutageAreRetriedInPlaceAndDecidedOnceAfterIt() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ObjectNode verdict = scenario.verdict(v2, "2.0.0", "inconclusive");
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            scenario.send(ANALYSES, verdict);
            await().atMost(BOUND).untilAsserted(() -> assertThat(stuckChannel(Channels.ANALYSES))
                    .contains("retrying " + ANALYSES));
        }

        assertThat(awaitDecision(v2).decision).isEqualTo(Decision.SKIPPED);
        await().atMost(BOUND).until(() -> stuckChannel(Channels.ANALYSES) == null);
        assertThat(decisionsFor(v2)).hasSize(1);
        assertThat(scenario.deadLettered(ANALYSES, verdict)).isFalse();
    }

    @Test
    void withTheDatabaseDownAnApprovalIsAServiceUnavailableProblemAndSettlesNothing() {
        Scenario scenario = new Scenario();
        String held = heldDecision(scenario);
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            People.as("alice").contentType("application/json").body(Map.of("by", "alice"))
                    .post("/api/v1/rollbacks/{id}/approve", held).then()
                    .statusCode(503).contentType("application/problem+json").header("Retry-After", "5");
        }
        assertThat(await().atMost(BOUND).ignoreExceptions().until(() -> QuarkusTransaction.requiringNew().call(() ->
                decisions.findById(held).decision), decision -> decision != null)).isEqualTo(Decision.HELD);
    }

    @Test
    void deploymentEventsDuringADatabaseOutageAreRetriedInPlaceAndAppliedInOrderAfterIt() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        awaitStatus(v1, DeploymentStatus.RUNNING);
        Instant now = Instant.now();
        String v2 = "d-" + UUID.randomUUID();
        String v3 = "d-" + UUID.randomUUID();
        ObjectNode v2Deployed = scenario.deployment(v2, "2.0.0", "1.0.0", now);
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            scenario.send(Scenario.DEPLOYMENTS, v2Deployed);
            scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(v3, "3.0.0", "1.0.0", now.plusSeconds(1)));
            await().atMost(BOUND).untilAsserted(() -> assertThat(stuckChannel(Channels.DEPLOYMENTS))
                    .contains("retrying " + Scenario.DEPLOYMENTS));
        }

        awaitStatus(v3, DeploymentStatus.RUNNING);
        assertThat(snapshot(scenario)).containsExactlyInAnyOrder(
                v1 + " SUPERSEDED", v2 + " SUPERSEDED", v3 + " RUNNING");
        assertThat(awaitTracked(v2).statusChangedAt).as("v2 was handled first, then superseded by v3")
                .isEqualTo(awaitTracked(v3).statusChangedAt);
        await().atMost(BOUND).until(() -> stuckChannel(Channels.DEPLOYMENTS) == null);
        assertThat(scenario.deadLettered(Scenario.DEPLOYMENTS, v2Deployed)).isFalse();
    }

    @Test
    void anomaliesDuringADatabaseOutageAreRetriedInPlaceAndDecidedOnceInOrderAfterIt() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ObjectNode anomaly = scenario.anomaly(v2, "2.0.0");
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            scenario.send(Scenario.ANOMALIES, anomaly);
            scenario.send(Scenario.ANOMALIES, scenario.anomaly(v1, "1.0.0"));
            await().atMost(BOUND).untilAsserted(() -> assertThat(stuckChannel(Channels.ANOMALIES))
                    .contains("retrying " + Scenario.ANOMALIES));
        }

        RollbackDecision skipped = awaitDecision(v1);
        assertThat(decisionsFor(v2)).extracting(decision -> decision.decision).containsExactly(Decision.ROLL_BACK);
        assertThat(decisionsFor(v2).get(0).decidedAt).as("decided in the order they were sent")
                .isBefore(skipped.decidedAt);
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequestsFor(v2)).hasSize(1);
        await().atMost(BOUND).until(() -> stuckChannel(Channels.ANOMALIES) == null);
        assertThat(scenario.deadLettered(Scenario.ANOMALIES, anomaly)).isFalse();
    }

    // --- two instances at once ---------------------------------------------------------------------------------

    @Test
    void theSameDeploymentEventHandledByTwoInstancesAtOnceIsTrackedOnce() throws Exception {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        awaitStatus(v1, DeploymentStatus.RUNNING);
        String v2 = "d-" + UUID.randomUUID();
        ConsumerRecord<String, String> record = scenario.record(Scenario.DEPLOYMENTS, scenario.deployment(v2, "2.0.0", "1.0.0"));

        Concurrently.atOnce(BOUND, () -> deploymentConsumer.consume(record), () -> deploymentConsumer.consume(record));

        assertThat(snapshot(scenario)).containsExactlyInAnyOrder(v1 + " SUPERSEDED", v2 + " RUNNING");
    }

    @Test
    void twoDeploymentsOfOneTargetHandledAtOnceLeaveTheNewerOneRunning() throws Exception {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        awaitStatus(v1, DeploymentStatus.RUNNING);
        Instant now = Instant.now();
        String v2 = "d-" + UUID.randomUUID();
        String v3 = "d-" + UUID.randomUUID();
        ConsumerRecord<String, String> older = scenario.record(Scenario.DEPLOYMENTS, scenario.deployment(v2, "2.0.0", "1.0.0", now));
        ConsumerRecord<String, String> newer = scenario.record(Scenario.DEPLOYMENTS,
                scenario.deployment(v3, "3.0.0", "1.0.0", now.plusSeconds(1)));

        Concurrently.atOnce(BOUND, () -> deploymentConsumer.consume(newer), () -> deploymentConsumer.consume(older));

        assertThat(snapshot(scenario)).containsExactlyInAnyOrder(v1 + " SUPERSEDED", v2 + " SUPERSEDED", v3 + " RUNNING");
    }

    @Test
    void theSameAnomalyHandledByTwoInstancesAtOnceIsDecidedOnce() throws Exception {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ConsumerRecord<String, String> record = scenario.record(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        Concurrently.atOnce(BOUND, () -> anomalyConsumer.consume(record), () -> anomalyConsumer.consume(record));

        assertThat(decisionsFor(v2)).extracting(decision -> decision.decision).containsExactly(Decision.ROLL_BACK);
        scenario.awaitRollbackRequest();
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequestsFor(v2)).hasSize(1);
    }

    @Test
    void twoAnomaliesOfOneDeploymentHandledAtOnceMakeOneDecision() throws Exception {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ConsumerRecord<String, String> first = scenario.record(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        ConsumerRecord<String, String> second = scenario.record(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        Concurrently.atOnce(BOUND, () -> anomalyConsumer.consume(first), () -> anomalyConsumer.consume(second));

        assertThat(decisionsFor(v2)).extracting(decision -> decision.decision).containsExactly(Decision.ROLL_BACK);
        scenario.awaitRollbackRequest();
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequestsFor(v2)).hasSize(1);
    }

    @Test
    void theSameVerdictHandledByTwoInstancesAtOnceIsDecidedOnce() throws Exception {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ConsumerRecord<String, String> record = scenario.record(ANALYSES, scenario.verdict(v2, "2.0.0", "inconclusive"));

        Concurrently.atOnce(BOUND, () -> verdictConsumer.consume(record), () -> verdictConsumer.consume(record));

        assertThat(decisionsFor(v2)).hasSize(1);
        awaitOutboxDrained(scenario);
        assertThat(scenario.published(Scenario.DECIDED)).hasSize(1);
    }

    /**
     * Two instances on one database and consumer group, each handed the duplicated anomalies and verdicts of one
     * failed deployment (a rebalance, a redelivery): one anomaly decision and one rollback request.
     */
    @Test
    void duplicatedAnomaliesAndVerdictsHandledByTwoInstancesAtOnceMakeOneDecisionAndOneRequest() throws Exception {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        ConsumerRecord<String, String> anomaly = scenario.record(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        ConsumerRecord<String, String> another = scenario.record(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        ConsumerRecord<String, String> verdict = scenario.record(ANALYSES, scenario.verdict(v2, "2.0.0", "inconclusive"));
        Runnable instance = () -> {
            anomalyConsumer.consume(anomaly);
            verdictConsumer.consume(verdict);
            anomalyConsumer.consume(another);
            anomalyConsumer.consume(anomaly);
        };

        Concurrently.atOnce(BOUND, instance, instance);

        assertThat(decisionsFor(v2)).filteredOn(decision -> decision.triggerKind == dev.lifeguard.rollback.TriggerKind.ANOMALY)
                .extracting(decision -> decision.decision).containsExactly(Decision.ROLL_BACK);
        assertThat(decisionsFor(v2)).hasSizeLessThanOrEqualTo(2);
        scenario.awaitRollbackRequest();
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequestsFor(v2)).hasSize(1);
    }

    @Test
    void oneDecisionApprovedByTwoPeopleAtOnceIsApprovedOnceAndRequestedOnce() throws Exception {
        Scenario scenario = new Scenario();
        String held = heldDecision(scenario);
        java.util.Queue<Integer> statuses = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Runnable approve = () -> statuses.add(People.as("alice").contentType("application/json").body(Map.of("by", "alice"))
                .post("/api/v1/rollbacks/{id}/approve", held).then().extract().statusCode());

        Concurrently.atOnce(BOUND, approve, approve);

        assertThat(statuses).containsExactly(200, 200);
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedAbout(Scenario.REQUESTED, held)).hasSize(1);
        assertThat(scenario.publishedAbout(Scenario.DECIDED, held)).hasSize(2);
    }

    // --- broker restart ------------------------------------------------------------------------------------------

    @Test
    void aVerdictDecidedWhileTheBrokerIsAwayIsPublishedOnceItIsBack() throws Exception {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        KafkaBrokerResource.broker().stopBroker();
        try {
            handle(() -> verdictConsumer.consume(scenario.record(ANALYSES, scenario.verdict(v2, "2.0.0", "inconclusive"))));
            assertThat(unsentOutboxRows(scenario)).hasSize(1);
        } finally {
            KafkaBrokerResource.broker().startBroker();
        }

        awaitOutboxDrained(scenario);
        assertThat(scenario.published(Scenario.DECIDED)).hasSize(1);
        assertThat(decisionsFor(v2)).hasSize(1);
    }

    @Test
    void acrossABrokerRestartNothingIsLostAndTheOutboxDrains() throws Exception {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        KafkaBrokerResource.broker().stopBroker();
        try {
            // decided with the broker away: the decision and its rollback request wait in the outbox
            handle(() -> anomalyConsumer.consume(scenario.record(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"))));
            assertThat(unsentOutboxRows(scenario)).hasSize(2);
        } finally {
            KafkaBrokerResource.broker().startBroker();
        }
        String v3 = scenario.deploy("3.0.0", "1.0.0");
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v3, "3.0.0"));

        assertThat(awaitDecision(v3).decision).isEqualTo(Decision.ROLL_BACK);
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequests())
                .extracting(record -> EventContract.parse(record.value()).at("/data/subject/content/deploymentId").asText())
                .as("both requests published once, in the order they were decided").containsExactly(v2, v3);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** A HELD decision (the depth guard: the version a rollback restored failed again) of a fresh scenario. */
    private String heldDecision(Scenario scenario) {
        String v1 = scenario.deploy("1.0.0", "0.9.0");
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        await().atMost(BOUND).ignoreExceptions().until(() -> status(v2).equals(Optional.of(DeploymentStatus.RUNNING)));
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String rollback = EventContract.parse(scenario.awaitRollbackRequest().value()).at("/data/subject/id").asText();
        scenario.send(Scenario.DEPLOYMENTS, scenario.rolledBack(v2, "2.0.0", "1.0.0", rollback));
        await().atMost(BOUND).ignoreExceptions().until(() -> status(v1).equals(Optional.of(DeploymentStatus.RUNNING)));
        ObjectNode relapse = scenario.anomaly(v1, "1.0.0");
        relapse.withObject("/data/customData").put("rollbackId", rollback);
        scenario.send(Scenario.ANOMALIES, relapse);
        RollbackDecision held = awaitDecision(v1);
        assertThat(held.decision).isEqualTo(Decision.HELD);
        return held.id;
    }

    private Optional<DeploymentStatus> status(String deploymentId) {
        return QuarkusTransaction.requiringNew().call(() ->
                trackedDeployments.findByIdOptional(deploymentId).map(tracked -> tracked.status));
    }

    private void awaitStatus(String deploymentId, DeploymentStatus status) {
        await().atMost(BOUND).until(() -> status(deploymentId).equals(Optional.of(status)));
    }

    private TrackedDeployment awaitTracked(String deploymentId) {
        return await().atMost(BOUND).until(() -> QuarkusTransaction.requiringNew().call(() ->
                trackedDeployments.findByIdOptional(deploymentId)), Optional::isPresent).orElseThrow();
    }

    private void awaitPending(String deploymentId) {
        await().atMost(BOUND).until(() -> QuarkusTransaction.requiringNew().call(() ->
                pendingAnomalies.findByIdOptional(deploymentId).isPresent()));
    }

    /** "deploymentId STATUS" for every deployment tracked for the scenario's target. */
    private List<String> snapshot(Scenario scenario) {
        return QuarkusTransaction.requiringNew().call(() -> trackedDeployments
                .list("service = ?1 and environment = ?2", scenario.service, scenario.environment).stream()
                .map(tracked -> tracked.deploymentId + " " + tracked.status)
                .toList());
    }

    private List<RollbackDecision> decisionsFor(String deploymentId) {
        return QuarkusTransaction.requiringNew().call(() -> decisions.list("deploymentId", deploymentId));
    }

    private RollbackDecision awaitDecision(String deploymentId) {
        return await().atMost(BOUND).until(() -> decisionsFor(deploymentId), found -> !found.isEmpty()).get(0);
    }

    /** The scenario's outbox rows not sent yet. */
    private static List<Map<String, Object>> unsentOutboxRows(Scenario scenario) {
        List<Map<String, Object>> unsent = given().queryParam("limit", "1000").get("/api/v1/outbox").then()
                .statusCode(200).extract().jsonPath().getList("$");
        return unsent.stream().filter(row -> scenario.key().equals(row.get("key"))).toList();
    }

    /** Once nothing of the scenario waits in the outbox, what it published is all there will be. */
    private static void awaitOutboxDrained(Scenario scenario) {
        await().atMost(BOUND).until(() -> unsentOutboxRows(scenario).isEmpty());
    }

    /** Runs a consumer call with a bound: a consumer retries transient failures in place, forever. */
    private static void handle(Runnable consume) throws Exception {
        CompletableFuture.runAsync(consume).get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }
}
