package dev.lifeguard.deploy.service;

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
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.CI_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.ciDeployment;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.publishStepVerdict;
import static dev.lifeguard.deploy.DeployFixtures.recordsWith;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.deploy.service.RolloutFixtures.BOUND;
import static dev.lifeguard.deploy.service.RolloutFixtures.act;
import static dev.lifeguard.deploy.service.RolloutFixtures.allEvents;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitPhase;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitRollout;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitRolloutEvents;
import static dev.lifeguard.deploy.service.RolloutFixtures.blueGreen;
import static dev.lifeguard.deploy.service.RolloutFixtures.canary;
import static dev.lifeguard.deploy.service.RolloutFixtures.post;
import static dev.lifeguard.deploy.service.RolloutFixtures.rollOut;
import static dev.lifeguard.deploy.service.RolloutFixtures.rollingOut;
import static dev.lifeguard.deploy.service.RolloutFixtures.rolloutEvents;
import static dev.lifeguard.deploy.service.RolloutFixtures.view;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Canary and blue-green rollouts with the record executor, driven by step verdicts and by people. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RolloutTest {

    @Inject
    DeploymentService deploymentService;

    @Test
    void aCanaryGoesTenFiftyHundredOnPassingAnalysesAndThenTakesAllTraffic() {
        String service = unique("canary");
        String v1 = deploy(service, "1.0.0");
        String v2 = post(service, "2.0.0", Map.of("strategy", canary(), "fixes", List.of("incident-42")))
                .statusCode(201).body("status", equalTo("ROLLING_OUT")).body("strategy.steps[1].pause", equalTo("PT5M"))
                .body("fixes[0]", equalTo("incident-42")).extract().path("id");

        JsonPath first = awaitRollout(v2, "ANALYSING", 1);
        assertThat(first.getInt("rollout.weight")).isEqualTo(10);
        assertThat(first.getString("rollout.steps[1].analysisId")).isEqualTo(v2 + "#1");
        awaitEnvironment(service, "production", "1.0.0");
        publishStepVerdict(service, v2, 1, "passed");

        JsonPath second = awaitRollout(v2, "ANALYSING", 3);
        assertThat(second.getInt("rollout.weight")).isEqualTo(50);
        assertThat(second.getString("rollout.steps.find { it.index == 1 }.verdict")).isEqualTo("PASSED");
        publishStepVerdict(service, v2, 3, "passed");

        JsonPath promoted = awaitPhase(v2, "PROMOTED");
        assertThat(promoted.getInt("rollout.weight")).isEqualTo(100);
        assertThat(promoted.getString("status")).isEqualTo("ANALYSING");
        assertThat(promoted.getBoolean("current")).isTrue();
        awaitEnvironment(service, "production", "2.0.0");
        assertThat(view(v1).getBoolean("current")).isFalse();

        List<JsonNode> steps = awaitRolloutEvents(service, v2, "step-started", 4);
        assertThat(steps).extracting(step -> step.at("/data/subject/content/step/kind").asText() + ":"
                        + step.at("/data/subject/content/weight").asInt())
                .containsExactly("set-weight:10", "pause:10", "set-weight:50", "pause:50");
        assertThat(steps.get(1).at("/data/subject/content/analysis/analysisId").asText()).isEqualTo(v2 + "#1");
        assertThat(steps.get(1).at("/data/subject/content/analysis/window").asText()).isEqualTo("PT5M");
        assertThat(steps.get(1).at("/data/subject/content/stableVersion").asText()).isEqualTo("1.0.0");
        assertThat(steps).allSatisfy(step -> assertThat(step.at("/data/subject/content/fixes/0").asText())
                .isEqualTo("incident-42"));
        JsonNode promotedEvent = awaitRolloutEvents(service, v2, "promoted", 1).get(0);
        assertThat(promotedEvent.at("/data/subject/content/promotedBy").asText()).isEqualTo("steps");
        assertThat(promotedEvent.at("/data/subject/content/previousVersion").asText()).isEqualTo("1.0.0");
        await().atMost(BOUND).until(() -> !recordsWith(DEPLOYMENTS_TOPIC, service + "/production",
                "service.upgraded").stream().filter(r -> r.value().contains("2.0.0")).toList().isEmpty());
        JsonNode upgraded = allEvents(service).stream()
                .filter(event -> event.path("type").asText().contains("service.upgraded")).findFirst().orElseThrow();
        assertThat(upgraded.at("/data/customData/rollout").asBoolean()).isTrue();
        assertThat(upgraded.at("/data/customData/strategy/type").asText()).isEqualTo("canary");
        assertThat(upgraded.at("/data/customData/fixes/0").asText()).isEqualTo("incident-42");
        assertThat(upgraded.at("/data/customData/deploymentId").asText()).isEqualTo(v2);
    }

    @Test
    void aFailedStepAnalysisAbortsAndAllTrafficGoesBackToTheStableVersion() {
        String service = unique("canary-fails");
        String v1 = deploy(service, "1.0.0");
        String v2 = rollOut(service, "2.0.0", canary());
        awaitRollout(v2, "ANALYSING", 1);
        publishStepVerdict(service, v2, 1, "failed");

        JsonPath aborted = awaitPhase(v2, "ABORTED");
        assertThat(aborted.getString("status")).isEqualTo("ROLLED_BACK");
        assertThat(aborted.getBoolean("flagged")).isTrue();
        assertThat(aborted.getInt("rollout.weight")).isZero();
        assertThat(aborted.getString("rollout.steps.find { it.index == 1 }.verdict")).isEqualTo("FAILED");
        given().get("/api/v1/rollbacks/{id}", "abort-" + v2).then().statusCode(200)
                .body("outcome", equalTo("EXECUTED")).body("toVersion", equalTo("1.0.0"));
        awaitEnvironment(service, "production", "1.0.0");
        // the stable version never stopped taking traffic: it is not analysed again
        assertThat(view(v1).getString("status")).isEqualTo("ANALYSING");
        assertThat(String.valueOf(view(v1).getString("statusReason"))).doesNotContain("restored");

        JsonNode abortEvent = awaitRolloutEvents(service, v2, "aborted", 1).get(0);
        assertThat(abortEvent.at("/data/subject/content/abortedBy").asText()).isEqualTo("analysis");
        assertThat(abortEvent.at("/data/subject/content/rollbackId").asText()).isEqualTo("abort-" + v2);
        assertThat(abortEvent.at("/data/subject/content/reason").asText()).contains("analysis of step 2 failed");
        await().atMost(BOUND).until(() -> allEvents(service).stream()
                .anyMatch(event -> event.path("type").asText().contains("service.rolledback")));
        JsonNode rolledBack = allEvents(service).stream()
                .filter(event -> event.path("type").asText().contains("service.rolledback")).findFirst().orElseThrow();
        assertThat(rolledBack.at("/data/customData/rolloutAborted").asBoolean()).isTrue();
        assertThat(rolledBack.at("/data/customData/restoredDeploymentId").asText()).isEqualTo(v1);
        assertThat(rolledBack.at("/data/customData/fromVersion").asText()).isEqualTo("2.0.0");
        assertThat(rolledBack.at("/data/customData/reportedBy").asText()).isEqualTo("executor");

        // the abort counts as a rollback of the target: the next version is gated
        post(service, "2.0.1", Map.of()).statusCode(202).body("status", equalTo("GATED"))
                .body("gateReason", containsString("abort-" + v2));
    }

    @Test
    void anInconclusiveStepPausesTheRolloutAndResumeGoesOn() {
        String service = unique("canary-inconclusive");
        deploy(service, "1.0.0");
        String v2 = rollOut(service, "2.0.0", canary(Map.of("setWeight", 20), Map.of("pause", "PT5M"),
                Map.of("setWeight", 100)));
        awaitRollout(v2, "ANALYSING", 1);
        publishStepVerdict(service, v2, 1, "inconclusive");
        JsonPath paused = awaitRollout(v2, "PAUSED", 1);
        assertThat(paused.getString("rollout.pausedBy")).isEqualTo("analysis");
        assertThat(paused.getString("rollout.pausedReason")).contains("inconclusive");
        JsonNode pausedEvent = awaitRolloutEvents(service, v2, "paused", 1).get(0);
        assertThat(pausedEvent.at("/data/subject/content/pausedBy").asText()).isEqualTo("analysis");
        assertThat(pausedEvent.at("/data/subject/content/weight").asInt()).isEqualTo(20);

        act(v2, "resume", Map.of("by", "alice")).statusCode(200);
        awaitPhase(v2, "PROMOTED");
        awaitEnvironment(service, "production", "2.0.0");
    }

    @Test
    void resumingAPersonsPauseWaitsForTheStepsVerdictAgainAndAVerdictThatCameMeanwhileCounts() {
        String service = unique("canary-resume");
        String v2 = rollingOut(service, canary(), "ANALYSING", 1);
        act(v2, "pause", Map.of("reason", "hold on", "by", "alice")).statusCode(200);
        // resumed before its verdict: the pause step's analysis is awaited again, not skipped
        act(v2, "resume", Map.of("by", "alice")).statusCode(200).body("rollout.phase", equalTo("ANALYSING"))
                .body("rollout.stepIndex", equalTo(1));
        assertThat(view(v2).getInt("rollout.weight")).isEqualTo(10);
        publishStepVerdict(service, v2, 1, "passed");
        awaitRollout(v2, "ANALYSING", 3);

        // paused again; the verdict arrives during the pause: recorded, and resume goes on from it
        act(v2, "pause", Map.of("reason", "hold on again", "by", "alice")).statusCode(200);
        publishStepVerdict(service, v2, 3, "passed");
        await().atMost(BOUND).untilAsserted(() -> assertThat(view(v2).getString(
                "rollout.steps.find { it.index == 3 }.verdict")).isEqualToIgnoringCase("passed"));
        assertThat(view(v2).getString("rollout.phase")).isEqualTo("PAUSED");
        act(v2, "resume", Map.of("by", "alice")).statusCode(200);
        awaitPhase(v2, "PROMOTED");
        awaitEnvironment(service, "production", "2.0.0");
    }

    @Test
    void aPromotedRolloutBakesFromItsPromotionNotFromWhenItWasReported() {
        String service = unique("canary-bake");
        String v2 = rollingOut(service, canary(Map.of("setWeight", 10), Map.of("pause", Map.of()),
                Map.of("setWeight", 100)), "PAUSED", 1);
        act(v2, "promote", Map.of("by", "alice")).statusCode(200);
        JsonPath promoted = awaitPhase(v2, "PROMOTED");
        assertThat(promoted.getString("status")).isEqualTo("ANALYSING");
        OffsetDateTime deployedAt = OffsetDateTime.parse(promoted.getString("deployedAt"));
        OffsetDateTime promotedAt = OffsetDateTime.parse(promoted.getString("promotedAt"));
        assertThat(promotedAt).isAfter(deployedAt);

        // As the bake timer sees it when the bake time has passed since the report but not since the promotion.
        OffsetDateTime betweenThem = deployedAt.plus(Duration.between(deployedAt, promotedAt).dividedBy(2));
        assertThat(deploymentService.baked(betweenThem)).doesNotContain(v2);
        deploymentService.bake(v2, betweenThem);
        assertThat(view(v2).getString("status")).isEqualTo("ANALYSING");
        OffsetDateTime afterPromotion = promotedAt.plusSeconds(1);
        assertThat(deploymentService.baked(afterPromotion)).contains(v2);
        deploymentService.bake(v2, afterPromotion);
        assertThat(view(v2).getString("status")).isEqualTo("STABLE");

        // its service.upgraded says when it took all traffic, which monitor-service analyses from
        await().atMost(BOUND).until(() -> !recordsWith(DEPLOYMENTS_TOPIC, service + "/production",
                "service.upgraded").isEmpty());
        JsonNode upgraded = EventContract.parse(recordsWith(DEPLOYMENTS_TOPIC, service + "/production",
                "service.upgraded").get(0).value());
        assertThat(OffsetDateTime.parse(upgraded.path("time").asText())).isAfter(deployedAt);
    }

    @Test
    void peoplePausePromoteStepByStepPromoteFullyAndAbort() {
        String service = unique("canary-people");
        deploy(service, "1.0.0");
        String v2 = rollOut(service, "2.0.0", canary(Map.of("setWeight", 10), Map.of("pause", "5m"),
                Map.of("setWeight", 50), Map.of("pause", Map.of()), Map.of("setWeight", 80), Map.of("pause", "5m")));
        awaitRollout(v2, "ANALYSING", 1);
        act(v2, "pause", Map.of("reason", "looking at the dashboards", "by", "alice")).statusCode(200)
                .body("rollout.phase", equalTo("PAUSED")).body("rollout.pausedBy", equalTo("person"));
        JsonNode paused = awaitRolloutEvents(service, v2, "paused", 1).get(0);
        assertThat(paused.at("/data/subject/content/requestedBy").asText()).isEqualTo("alice");
        assertThat(paused.at("/data/subject/content/reason").asText()).isEqualTo("looking at the dashboards");

        // promote ends the pause: 50%, then the pause without duration waits for promote
        act(v2, "promote", Map.of("by", "alice")).statusCode(200);
        JsonPath waiting = awaitRollout(v2, "PAUSED", 3);
        assertThat(waiting.getInt("rollout.weight")).isEqualTo(50);
        assertThat(waiting.getString("rollout.pausedReason")).contains("waits for promote");
        JsonNode untimed = awaitRolloutEvents(service, v2, "step-started", 4).get(3);
        assertThat(untimed.at("/data/subject/content/step/duration").isNull()).isTrue();
        assertThat(untimed.at("/data/subject/content/analysis").isNull()).isTrue();

        // a verdict for an old step (late, or delivered again) changes nothing
        publishStepVerdict(service, v2, 1, "failed");
        publishStepVerdict(service, v2, 1, "passed");
        act(v2, "promote", Map.of("full", true, "by", "bob")).statusCode(200);
        JsonPath promoted = awaitPhase(v2, "PROMOTED");
        assertThat(promoted.getString("rollout.promotedBy")).isEqualTo("person");
        assertThat(awaitRolloutEvents(service, v2, "promoted", 1).get(0).at("/data/subject/content/requestedBy")
                .asText()).isEqualTo("bob");
        assertThat(rolloutEvents(service, v2, "aborted")).isEmpty();
        act(v2, "promote", Map.of()).statusCode(409).contentType(containsString("problem+json"))
                .body("detail", containsString("PROMOTED"));
        act("no-such-deployment", "promote", Map.of()).statusCode(404);

        String v3 = rollOut(service, "3.0.0", canary());
        awaitRollout(v3, "ANALYSING", 1);
        act(v3, "abort", Map.of()).statusCode(400).body("field", equalTo("reason"));
        act(v3, "abort", Map.of("reason", "wrong config", "by", "carol")).statusCode(200);
        awaitPhase(v3, "ABORTED");
        JsonNode aborted = awaitRolloutEvents(service, v3, "aborted", 1).get(0);
        assertThat(aborted.at("/data/subject/content/abortedBy").asText()).isEqualTo("person");
        assertThat(aborted.at("/data/subject/content/stableVersion").asText()).isEqualTo("2.0.0");
        awaitEnvironment(service, "production", "2.0.0");
    }

    @Test
    void aBlueGreenPreviewIsAnalysedThenPromotedAutomaticallyOrByAPerson() {
        String service = unique("blue-green");
        deploy(service, "1.0.0");
        String auto = rollOut(service, "2.0.0", blueGreen(true));
        JsonPath preview = awaitRollout(auto, "ANALYSING", 1);
        assertThat(preview.getInt("rollout.stepCount")).isEqualTo(2);
        assertThat(preview.getInt("rollout.weight")).isZero();
        List<JsonNode> started = awaitRolloutEvents(service, auto, "step-started", 2);
        assertThat(started.get(0).at("/data/subject/content/step/kind").asText()).isEqualTo("preview");
        assertThat(started.get(1).at("/data/subject/content/analysis/window").asText()).isEqualTo("PT1M");
        publishStepVerdict(service, auto, 1, "passed");
        awaitPhase(auto, "PROMOTED");
        assertThat(awaitRolloutEvents(service, auto, "promoted", 1).get(0).at("/data/subject/content/promotedBy")
                .asText()).isEqualTo("auto");
        awaitEnvironment(service, "production", "2.0.0");

        String manual = rollOut(service, "3.0.0", blueGreen(false));
        awaitRollout(manual, "ANALYSING", 1);
        publishStepVerdict(service, manual, 1, "passed");
        assertThat(awaitRollout(manual, "PAUSED", 1).getString("rollout.pausedReason")).contains("promote");
        awaitEnvironment(service, "production", "2.0.0");
        act(manual, "promote", Map.of("by", "dave")).statusCode(200);
        awaitPhase(manual, "PROMOTED");
        awaitEnvironment(service, "production", "3.0.0");
    }

    @Test
    void strategiesAreValidatedNamingTheFieldAndANewVersionWaitsForTheRollout() {
        String service = unique("strategy-checks");
        post(service, "1.0.0", Map.of("strategy", canary(Map.of("setWeight", 10), Map.of("setWeight", 50),
                Map.of("setWeight", 40)))).statusCode(400).contentType(containsString("problem+json"))
                .body("field", equalTo("strategy.steps[2].setWeight"));
        post(service, "1.0.0", Map.of("strategy", canary(Map.of("pause", "5 minutes")))).statusCode(400)
                .body("field", equalTo("strategy.steps[0].pause"));
        post(service, "1.0.0", Map.of("strategy", Map.of("type", "linear"))).statusCode(400)
                .body("field", equalTo("strategy.type"));
        post(service, "1.0.0", Map.of("tests", Map.of("passed", -1, "failed", 0))).statusCode(400)
                .body("field", equalTo("tests.passed"));
        post(service, "1.0.0", Map.of("fixes", List.of(""))).statusCode(400).body("field", equalTo("fixes[0]"));

        // the first version has nothing to compare a canary with: all-at-once, and the view says why
        String v1 = post(service, "1.0.0", Map.of("strategy", canary())).statusCode(201)
                .body("status", equalTo("ANALYSING")).body("current", equalTo(true))
                .body("strategy.type", equalTo("all-at-once"))
                .body("strategyNote", containsString("no current version")).extract().path("id");
        String v2 = rollOut(service, "2.0.0", canary());
        post(service, "2.0.0", Map.of()).statusCode(201).body("id", equalTo(v2));
        post(service, "3.0.0", Map.of()).statusCode(409).body("field", equalTo("version"))
                .body("detail", containsString("rollout of 2.0.0 in progress"));
        assertThat(view(v1).getBoolean("current")).isTrue();

        String manual = unique("strategy-manual");
        given().contentType(ContentType.JSON).body(Map.of("executor", "manual"))
                .put("/api/v1/targets/{s}/production", manual).then().statusCode(200);
        deploy(manual, "1.0.0");
        post(manual, "2.0.0", Map.of("strategy", canary())).statusCode(422).body("field", equalTo("strategy"));
    }

    @Test
    void fixesNamedByCiInCustomDataOrAsFixesLinksAreCarriedOnTheDeploymentAndItsEvent() {
        String service = unique("ci-fixes");
        ObjectNode event = (ObjectNode) EventContract.parse(ciDeployment(UUID.randomUUID().toString(), service, "1.0.0"));
        event.with("customData").putArray("fixes").add("incident-1");
        event.with("context").putArray("links").addObject().put("linkType", "RELATION").put("linkKind", "FIXES")
                .putObject("target").put("contextId", "incident-2");
        kafka().send(CI_TOPIC, service + "/production", event.toString());
        awaitEnvironment(service, "production", "1.0.0");
        assertThat(given().get("/api/v1/services/{s}/environments/production", service).then().extract().jsonPath()
                .getList("history[0].fixes", String.class)).containsExactly("incident-1", "incident-2");
        await().atMost(BOUND).until(() -> allEvents(service).stream()
                .anyMatch(published -> published.path("type").asText().contains("service.deployed")));
        JsonNode deployed = allEvents(service).stream()
                .filter(published -> published.path("type").asText().contains("service.deployed")).findFirst().orElseThrow();
        assertThat(deployed.at("/data/customData/fixes/1").asText()).isEqualTo("incident-2");
        assertThat(deployed.at("/data/customData/strategy/type").asText()).isEqualTo("all-at-once");
        assertThat(deployed.at("/data/customData/rollout").isMissingNode()).isTrue();
    }

    @Test
    void theActorIsTheTokensSubjectAndNamingSomeoneElseIsRefused() {
        String service = unique("canary-actor");
        String v2 = rollingOut(service, canary(), "ANALYSING", 1);
        String alice = dev.lifeguard.testsupport.TestTokens.token("alice", java.util.Set.of("operator"),
                java.util.Set.of());

        dev.lifeguard.testsupport.TestTokens.as(alice).contentType(ContentType.JSON)
                .body(Map.of("reason", "look", "by", "bob")).post("/api/v1/deployments/{id}/pause", v2).then()
                .statusCode(400).contentType(containsString("problem+json")).body("field", equalTo("by"))
                .body("detail", containsString("'alice'"));
        dev.lifeguard.testsupport.TestTokens.as(alice).contentType(ContentType.JSON).header("X-Lifeguard-User", "bob")
                .body(Map.of("reason", "look")).post("/api/v1/deployments/{id}/pause", v2).then()
                .statusCode(400).body("field", equalTo("X-Lifeguard-User"));
        assertThat(view(v2).getString("rollout.phase")).isEqualTo("ANALYSING");

        // no "by" at all: the subject is recorded
        dev.lifeguard.testsupport.TestTokens.as(alice).contentType(ContentType.JSON).header("X-Lifeguard-User", "alice")
                .body(Map.of("reason", "look")).post("/api/v1/deployments/{id}/pause", v2).then().statusCode(200);
        JsonNode paused = awaitRolloutEvents(service, v2, "paused", 1).get(0);
        assertThat(paused.at("/data/subject/content/requestedBy").asText()).isEqualTo("alice");
    }
}
