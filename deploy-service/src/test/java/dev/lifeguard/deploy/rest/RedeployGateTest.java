package dev.lifeguard.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import dev.lifeguard.deploy.messaging.CiEventConsumer;
import dev.lifeguard.deploy.service.Rollouts;
import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.TopicReset;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.lifeguard.deploy.DeployFixtures.CI_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.requestRollbackOfSecondVersion;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.ciDeployment;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.testSuiteRun;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.deploy.service.RolloutFixtures.BOUND;
import static dev.lifeguard.deploy.service.RolloutFixtures.act;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitPhase;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitRollout;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitRolloutEvents;
import static dev.lifeguard.deploy.service.RolloutFixtures.post;
import static dev.lifeguard.deploy.service.RolloutFixtures.rolloutEvents;
import static dev.lifeguard.deploy.service.RolloutFixtures.view;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The redeploy gate: after a rollback the next version waits for test evidence (testsuiterun.finished on the CI topic
 * or the signed webhook, before or after it arrives, or the REST tests field) or an override.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RedeployGateTest {

    private static final Map<String, Object> ALL_AT_ONCE = Map.of("strategy", Map.of("type", "all-at-once"));

    @Inject
    DataSource dataSource;

    @Inject
    CiEventConsumer ciConsumer;

    @Inject
    Rollouts rollouts;

    /** 1.0.0 passed its analysis, 2.0.0 was rolled back to it: the rollback's id. */
    private static String rolledBack(String service) {
        String rollbackId = requestRollbackOfSecondVersion(service, "EXECUTED", BOUND);
        awaitEnvironment(service, "production", "1.0.0");
        return rollbackId;
    }

    private static void sendRun(String service, String chainId, String version, String suite, String outcome) {
        kafka().send(CI_TOPIC, service + "/production",
                testSuiteRun("ts-" + UUID.randomUUID(), chainId, service, version, suite, outcome));
    }

    private static String gated(String service, String version, Map<String, Object> extra) {
        return post(service, version, extra).statusCode(202).body("status", equalTo("GATED"))
                .body("current", equalTo(false))
                .body("gateReason", containsString("needs passing test evidence")).extract().path("id");
    }

    @Test
    void aRedeployAfterARollbackIsGatedAndReleasedByEvidenceForItsChain() {
        String service = unique("gate-evidence");
        String rollbackId = rolledBack(service);
        String fix = gated(service, "2.0.1", Map.of("fixes", List.of("incident-7")));
        JsonPath held = view(fix);
        assertThat(held.getString("gate.status")).isEqualTo("GATED");
        assertThat(held.getString("gate.rollbackId")).isEqualTo(rollbackId);
        assertThat(held.getString("strategy.type")).isEqualTo("canary");
        JsonNode gatedEvent = awaitRolloutEvents(service, fix, "gated", 1).get(0);
        assertThat(gatedEvent.at("/data/subject/content/rollbackId").asText()).isEqualTo(rollbackId);
        assertThat(gatedEvent.at("/data/subject/content/fixes/0").asText()).isEqualTo("incident-7");

        // a failing suite keeps it gated and says which
        String chainId = held.getString("chainId");
        sendRun(service, chainId, "2.0.1", "unit", "failure");
        await().atMost(BOUND).untilAsserted(() -> assertThat(view(fix).getString("gate.status")).isEqualTo("GATED"));
        await().atMost(BOUND).until(() -> CiWebhookFixtures.count(dataSource,
                "SELECT count(*) FROM test_evidence WHERE chain_id = ?", chainId) == 1);
        assertThat(view(fix).getString("status")).isEqualTo("GATED");

        sendRun(service, chainId, "2.0.1", "unit", "success");
        JsonPath released = awaitRollout(fix, "ANALYSING", 1);
        assertThat(released.getString("gate.status")).isEqualTo("RELEASED");
        assertThat(released.getString("gate.releasedBy")).isEqualTo("evidence");
        assertThat(released.getInt("gate.evidence.passed")).isEqualTo(412);
        assertThat(dev.lifeguard.deploy.service.DeployAuditTest.awaitAutomatic(service + "/production", "gate.released")
                .path("detail").asText()).contains("released by test evidence");
        assertThat(released.getInt("rollout.weight")).isEqualTo(10);
        JsonNode releasedEvent = awaitRolloutEvents(service, fix, "released", 1).get(0);
        assertThat(releasedEvent.at("/data/subject/content/releasedBy").asText()).isEqualTo("evidence");
        assertThat(releasedEvent.at("/data/subject/content/evidence/suites/0").asText()).isEqualTo("unit");
    }

    @Test
    void evidenceThatArrivedBeforeTheDeploymentCountsAndTheRestTestsFieldToo() {
        String early = unique("gate-early");
        rolledBack(early);
        sendRun(early, "ci-chain-" + UUID.randomUUID(), "2.0.1", "e2e", "success");
        await().atMost(BOUND).until(() -> CiWebhookFixtures.count(dataSource,
                "SELECT count(*) FROM test_evidence WHERE service = ?", early) == 1);
        post(early, "2.0.1", Map.of()).statusCode(201).body("status", equalTo("ROLLING_OUT"));

        String rest = unique("gate-rest");
        rolledBack(rest);
        post(rest, "2.0.1", Map.of("tests", Map.of("passed", 12, "failed", 1, "suites", List.of("unit"))))
                .statusCode(202).body("gateReason", containsString("suite unit failed"));
        post(rest, "2.0.2", Map.of("tests", Map.of("passed", 12, "failed", 0, "suites", List.of("unit", "e2e"))))
                .statusCode(201).body("status", equalTo("ROLLING_OUT"));
        assertThat(given().get("/api/v1/services/{s}/environments/production", rest).then().extract().jsonPath()
                .getString("history.find { it.version == '2.0.1' }.statusReason")).contains("replaced while gated");
    }

    @Test
    void requiredSuitesMustEachPassAndAFailedOneKeepsTheGateShut() {
        String service = unique("gate-suites");
        given().contentType(ContentType.JSON).body(Map.of("executor", "record",
                        "gate", Map.of("requiredSuites", List.of("unit", "e2e"))))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200)
                .body("gate.requiredSuites[1]", equalTo("e2e"));
        rolledBack(service);
        String fix = gated(service, "2.0.1", ALL_AT_ONCE);
        String chainId = view(fix).getString("chainId");
        sendRun(service, chainId, "2.0.1", "unit", "success");
        await().atMost(BOUND).untilAsserted(() -> assertThat(view(fix).getString("gate.reason"))
                .contains("required suites: unit, e2e"));
        sendRun(service, chainId, "2.0.1", "e2e", "failure");
        await().atMost(BOUND).until(() -> CiWebhookFixtures.count(dataSource,
                "SELECT count(*) FROM test_evidence WHERE chain_id = ?", chainId) == 2);
        assertThat(view(fix).getString("status")).isEqualTo("GATED");

        sendRun(service, chainId, "2.0.1", "e2e", "success");
        JsonPath promoted = awaitPhase(fix, "PROMOTED");
        assertThat(promoted.getString("rollout.promotedBy")).isEqualTo("gate");
        awaitEnvironment(service, "production", "2.0.1");
        assertThat(awaitRolloutEvents(service, fix, "promoted", 1).get(0).at("/data/subject/content/stepIndex")
                .asInt()).isEqualTo(-1);
    }

    @Test
    void anOverrideWithAReasonReleasesTheGateAndIsRecorded() {
        String service = unique("gate-override");
        rolledBack(service);
        String fix = gated(service, "2.0.1", ALL_AT_ONCE);
        act(fix, "override", Map.of("by", "erin")).statusCode(400).contentType(containsString("problem+json"))
                .body("field", equalTo("reason"));
        act(fix, "promote", Map.of()).statusCode(409);
        act(fix, "override", Map.of("reason", "hotfix for the outage, tests run by hand", "by", "erin"))
                .statusCode(200).body("gate.releasedBy", equalTo("override"))
                .body("gate.overriddenBy", equalTo("erin"))
                .body("gate.overrideReason", equalTo("hotfix for the outage, tests run by hand"));
        awaitPhase(fix, "PROMOTED");
        awaitEnvironment(service, "production", "2.0.1");
        JsonNode released = awaitRolloutEvents(service, fix, "released", 1).get(0);
        assertThat(released.at("/data/subject/content/releasedBy").asText()).isEqualTo("override");
        assertThat(released.at("/data/subject/content/requestedBy").asText()).isEqualTo("erin");
        act(fix, "override", Map.of("reason", "again")).statusCode(409);
    }

    @Test
    void evidenceThroughTheSignedCiWebhookReleasesTheGate() {
        String service = unique("gate-webhook");
        rolledBack(service);
        String fix = gated(service, "2.0.1", ALL_AT_ONCE);
        String run = testSuiteRun("wh-" + UUID.randomUUID(), null, service, "2.0.1", "integration", "success");
        CiWebhookFixtures.post(run).then().statusCode(202);
        awaitPhase(fix, "PROMOTED");
        String bad = testSuiteRun("wh-" + UUID.randomUUID(), null, service, "2.0.1", "integration", "maybe");
        CiWebhookFixtures.post(bad).then().statusCode(400).body("field", equalTo("subject.content.outcome"));
    }

    @Test
    void aCiDeploymentAfterARollbackIsGatedUntilTheTestsOfItsChainPass() {
        String service = unique("gate-ci");
        rolledBack(service);
        String chainId = "ci-chain-" + UUID.randomUUID();
        ObjectNode deployment = (ObjectNode) EventContract.parse(ciDeployment(UUID.randomUUID().toString(), service,
                "2.0.1"));
        deployment.with("context").put("chainId", chainId);
        kafka().send(CI_TOPIC, service + "/production", deployment.toString());
        await().atMost(BOUND).untilAsserted(() -> assertThat(given().get("/api/v1/services/{s}/environments/production",
                service).then().extract().jsonPath().getString("history.find { it.version == '2.0.1' }.status"))
                .isEqualTo("GATED"));
        String fix = given().get("/api/v1/services/{s}/environments/production", service).then().extract().jsonPath()
                .getString("history.find { it.version == '2.0.1' }.id");
        assertThat(view(fix).getString("chainId")).isEqualTo(chainId);
        awaitEnvironment(service, "production", "1.0.0");

        sendRun(service, chainId, "9.9.9", "integration", "success");
        JsonPath released = awaitRollout(fix, "ANALYSING", 1);
        assertThat(released.getString("gate.releasedBy")).isEqualTo("evidence");
    }

    @Test
    void theSameEvidenceAtTwoInstancesAtOnceOrEvidenceRacingAnOverrideReleasesTheDeploymentOnce() {
        String service = unique("gate-two");
        rolledBack(service);
        String fix = gated(service, "2.0.1", Map.of());
        String chainId = view(fix).getString("chainId");
        ConsumerRecord<String, String> run = new ConsumerRecord<>(CI_TOPIC, 0, 3_000_000L, service + "/production",
                testSuiteRun("ts-" + UUID.randomUUID(), chainId, service, "2.0.1", "unit", "success"));
        // and another suite's passing run at a third instance: each run alone opens the gate
        ConsumerRecord<String, String> otherSuite = new ConsumerRecord<>(CI_TOPIC, 0, 3_000_002L,
                service + "/production", testSuiteRun("ts-" + UUID.randomUUID(), chainId, service, "2.0.1", "e2e",
                "success"));
        Concurrently.atOnce(BOUND, () -> ciConsumer.consume(run), () -> ciConsumer.consume(run),
                () -> ciConsumer.consume(otherSuite));
        assertReleasedOnce(service, fix);
        assertThat(view(fix).getString("gate.releasedBy")).isEqualTo("evidence");
        assertThat(CiWebhookFixtures.count(dataSource, "SELECT count(*) FROM test_evidence WHERE chain_id = ?",
                chainId)).isEqualTo(2);

        String raced = unique("gate-race");
        rolledBack(raced);
        String other = gated(raced, "2.0.1", Map.of());
        ConsumerRecord<String, String> evidence = new ConsumerRecord<>(CI_TOPIC, 0, 3_000_001L, raced + "/production",
                testSuiteRun("ts-" + UUID.randomUUID(), view(other).getString("chainId"), raced, "2.0.1", "unit",
                        "success"));
        List<String> refused = new CopyOnWriteArrayList<>();
        Concurrently.atOnce(BOUND, () -> ciConsumer.consume(evidence), () -> {
            try {
                rollouts.override(other, "hotfix, tested by hand", "erin");
            } catch (Rollouts.WrongStateException e) {
                refused.add(e.getMessage());
            }
        });
        assertReleasedOnce(raced, other);
        // whichever came first released it; an override coming second is refused, evidence coming second is kept
        String releasedBy = view(other).getString("gate.releasedBy");
        assertThat(releasedBy).isIn("evidence", "override");
        assertThat(refused).hasSize("evidence".equals(releasedBy) ? 1 : 0);
    }

    /** Released once: one released event and one rollout (set-weight 10, then its pause), nothing more queued. */
    private static void assertReleasedOnce(String service, String fix) {
        awaitRollout(fix, "ANALYSING", 1);
        // the pause is queued after everything both deliveries did: once it is published, so is all before it
        act(fix, "pause", Map.of("reason", "checking the release", "by", "test")).statusCode(200);
        awaitRolloutEvents(service, fix, "paused", 1);
        assertThat(rolloutEvents(service, fix, "released")).hasSize(1);
        assertThat(rolloutEvents(service, fix, "step-started"))
                .extracting(event -> event.at("/data/subject/content/step/kind").asText())
                .containsExactly("set-weight", "pause");
    }

    @Test
    void evidenceReplayedAfterATopicResetChangesNothing() {
        String service = unique("gate-reset");
        String key = service + "/production";
        rolledBack(service);
        String fix = gated(service, "2.0.1", ALL_AT_ONCE);
        String chainId = view(fix).getString("chainId");
        String failing = testSuiteRun("ts-" + UUID.randomUUID(), chainId, service, "2.0.1", "unit", "failure");
        String passing = testSuiteRun("ts-" + UUID.randomUUID(), chainId, service, "2.0.1", "unit", "success");
        kafka().send(CI_TOPIC, key, failing);
        kafka().send(CI_TOPIC, key, passing);
        awaitPhase(fix, "PROMOTED");
        awaitEnvironment(service, "production", "2.0.1");

        TopicReset.recreate("lifeguard-deploy-service", CI_TOPIC);
        kafka().send(CI_TOPIC, key, failing);
        kafka().send(CI_TOPIC, key, passing);
        // a new run after the replayed ones (same key, same partition): once it is stored, they were handled
        String markerChain = "chain-marker-" + UUID.randomUUID();
        kafka().send(CI_TOPIC, key, testSuiteRun("ts-" + UUID.randomUUID(), markerChain, service, "3.0.0", "unit",
                "success"));
        await().atMost(BOUND).until(() -> CiWebhookFixtures.count(dataSource,
                "SELECT count(*) FROM test_evidence WHERE chain_id = ?", markerChain) == 1);

        assertThat(CiWebhookFixtures.count(dataSource, "SELECT count(*) FROM test_evidence WHERE chain_id = ?",
                chainId)).isEqualTo(2);
        assertThat(view(fix).getString("rollout.phase")).isEqualTo("PROMOTED");
        assertThat(view(fix).getString("gate.releasedBy")).isEqualTo("evidence");
        assertThat(rolloutEvents(service, fix, "released")).hasSize(1);
        assertThat(rolloutEvents(service, fix, "promoted")).hasSize(1);
        awaitEnvironment(service, "production", "2.0.1");
    }
}
