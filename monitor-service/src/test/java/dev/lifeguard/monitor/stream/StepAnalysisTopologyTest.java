package dev.lifeguard.monitor.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.event.AnalysisEvents;
import dev.lifeguard.support.consumer.DeadLetters;
import dev.lifeguard.testsupport.EventContract;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Analyses of rollout steps (issue 8): a {@code lifeguard-rollout.step-started} with an analysis judges the canary
 * beside the stable version under {@code <deploymentId>#<stepIndex>}, without keeping the deployment's full analysis
 * from opening on its promotion; newer steps, aborts, promotions and the abort's rollback end it.
 */
class StepAnalysisTopologyTest {

    private static final String CANARY_SPEC = "{\"window\":\"30m\",\"interval\":\"1m\",\"minSamples\":3,\"metrics\":"
            + "[{\"metric\":\"latency\",\"detector\":\"canary\"}]}";

    private final EngineDriver engine = new EngineDriver(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final Random noise = new Random(7);

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aCanaryStepWhoseSamplesMatchTheStableVersionsPassesAndItsPromotionOpensTheFullAnalysis() {
        stableRunning("shop", CANARY_SPEC);
        engine.stepStarted("shop", "d-2", "2.0.1", "1.0.0", 1, "PT5M", engine.at(0));
        sideBySide("shop", 100, 100, 0, 290);

        assertThat(engine.verdicts()).isEmpty();
        advance(Duration.ofMinutes(2));

        List<JsonNode> verdicts = engine.verdicts();
        assertThat(verdicts).hasSize(1);
        JsonNode verdict = verdicts.get(0);
        assertThat(EventContract.violations(verdict.toString())).isEmpty();
        assertThat(verdict.path("id").asText()).isEqualTo(AnalysisEvents.verdictEventIdOf("d-2#1"))
                .isNotEqualTo(AnalysisEvents.verdictEventId("d-2"));
        JsonNode content = verdict.at("/data/subject/content");
        assertThat(content.path("outcome").asText()).as(content.toString()).isEqualTo("passed");
        assertThat(content.path("analysisId").asText()).isEqualTo("d-2#1");
        assertThat(content.path("rolloutStep").asInt()).isEqualTo(1);
        assertThat(content.path("deploymentId").asText()).isEqualTo("d-2");
        assertThat(content.path("version").asText()).isEqualTo("2.0.1");
        assertThat(content.path("stableVersion").asText()).isEqualTo("1.0.0");
        assertThat(content.path("endsAt").asText()).isEqualTo(engine.at(300).toString());
        assertThat(content.at("/metrics/0/reason").asText()).contains("alongside");
        assertThat(engine.anomalyEvents()).isEmpty();

        // promoted: service.upgraded of the same deployment (no stableVersion in it) opens its full analysis against
        // the version the canary ran beside, not against itself
        engine.rolloutPromoted("shop", "d-2", "2.0.1", 4, engine.at(400));
        assertThat(engine.verdicts()).isEmpty();
        engine.deploy("shop", "d-2", "2.0.1", null, engine.at(401));
        JsonNode full = last(engine.snapshots());
        assertThat(full.path("analysisId").asText()).isEqualTo("d-2");
        assertThat(full.path("status").asText()).isEqualTo("RUNNING");
        assertThat(full.path("stableVersion").asText()).isEqualTo("1.0.0");
        assertThat(full.has("rolloutStep")).isFalse();

        advance(Duration.ofMinutes(31));
        JsonNode fullVerdict = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(fullVerdict.path("analysisId").asText()).isEqualTo("d-2");
        assertThat(fullVerdict.has("rolloutStep")).isFalse();
    }

    @Test
    void aCanaryWorseThanTheStableVersionFailsItsStepWithAnAnomalyNamingTheStep() {
        stableRunning("pay", CANARY_SPEC);
        engine.stepStarted("pay", "d-2", "2.0.1", "1.0.0", 1, "PT10M", engine.at(0));
        sideBySide("pay", 300, 100, 0, 400);

        List<JsonNode> anomalies = engine.anomalyEvents();
        assertThat(anomalies).hasSize(1);
        JsonNode anomaly = anomalies.get(0);
        assertThat(EventContract.violations(anomaly.toString())).isEmpty();
        JsonNode custom = anomaly.at("/data/customData");
        assertThat(custom.path("rolloutStep").asInt()).isEqualTo(1);
        assertThat(custom.path("analysisId").asText()).isEqualTo("d-2#1");
        assertThat(custom.path("stableVersion").asText()).isEqualTo("1.0.0");
        assertThat(custom.path("detector").asText()).isEqualTo("canary");
        assertThat(custom.path("anomalyId").asText()).isEqualTo(AnalysisEvents.anomalyIdOf("d-2#1"))
                .isNotEqualTo(AnalysisEvents.anomalyId("d-2"));
        assertThat(anomaly.at("/data/subject/content/description").asText()).contains("rollout step 1");

        JsonNode verdict = engine.verdicts().get(0);
        assertThat(EventContract.violations(verdict.toString())).isEmpty();
        JsonNode content = verdict.at("/data/subject/content");
        assertThat(content.path("outcome").asText()).isEqualTo("failed");
        assertThat(content.path("rolloutStep").asInt()).isEqualTo(1);
        assertThat(content.path("analysisId").asText()).isEqualTo("d-2#1");
        assertThat(content.path("anomalyId").asText()).isEqualTo(custom.path("anomalyId").asText());

        // deploy-service aborts: its rollback restores the stable version, which never stopped, so nothing is opened
        engine.rolloutAborted("pay", "d-2", "2.0.1", 1, engine.at(420));
        engine.rolloutRolledBack("pay", "d-2", "1.0.0", "d-1", true, engine.at(430));
        engine.sample("pay", "1.0.0", "latency", 300, engine.at(440));
        advance(Duration.ofMinutes(40));
        assertThat(engine.verdicts()).isEmpty();
        assertThat(engine.anomalyEvents()).isEmpty();
        assertThat(engine.snapshots()).noneMatch(snapshot -> snapshot.path("status").asText().equals("RUNNING")
                && !snapshot.path("analysisId").asText().startsWith("d-2#"));
    }

    @Test
    void theNextStepSupersedesARunningStepAnalysisOfTheSameDeployment() {
        stableRunning("cart", CANARY_SPEC);
        engine.stepStarted("cart", "d-2", "2.0.1", "1.0.0", 1, "PT5M", engine.at(0));
        engine.stepStarted("cart", "d-2", "2.0.1", "1.0.0", 3, "PT5M", engine.at(120));

        List<JsonNode> verdicts = engine.verdicts();
        assertThat(verdicts).hasSize(1);
        JsonNode superseded = verdicts.get(0).at("/data/subject/content");
        assertThat(superseded.path("analysisId").asText()).isEqualTo("d-2#1");
        assertThat(superseded.path("outcome").asText()).isEqualTo("inconclusive");
        assertThat(superseded.path("endedBy").asText()).isEqualTo("superseded");
        assertThat(superseded.path("reason").asText()).contains("step 3");
        // the read model hears of the superseded step's end, and of the next step's start
        assertThat(engine.snapshots()).anyMatch(snapshot -> snapshot.path("analysisId").asText().equals("d-2#1")
                && snapshot.path("status").asText().equals("INCONCLUSIVE"));

        sideBySide("cart", 100, 100, 120, 410);
        advance(Duration.ofMinutes(8));
        JsonNode next = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(next.path("analysisId").asText()).isEqualTo("d-2#3");
        assertThat(next.path("rolloutStep").asInt()).isEqualTo(3);
        assertThat(next.path("outcome").asText()).isEqualTo("passed");
    }

    @Test
    void aPromotionEndsTheRunningStepAnalysisAndTheDeploymentsFullAnalysisFollows() {
        stableRunning("mail", null);
        engine.stepStarted("mail", "d-2", "2.0.1", "1.0.0", 3, null, engine.at(0));
        JsonNode opened = last(engine.snapshots());
        // no window in the step: the spec's (30 minutes by default)
        assertThat(opened.path("endsAt").asText()).isEqualTo(engine.at(1800).toString());
        assertThat(opened.path("rolloutStep").asInt()).isEqualTo(3);

        engine.rolloutPromoted("mail", "d-2", "2.0.1", 4, engine.at(60));
        JsonNode ended = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(ended.path("analysisId").asText()).isEqualTo("d-2#3");
        assertThat(ended.path("outcome").asText()).isEqualTo("inconclusive");
        assertThat(ended.path("endedBy").asText()).isEqualTo("superseded");
        assertThat(ended.path("reason").asText()).contains("promoted");

        engine.deploy("mail", "d-2", "2.0.1", "1.0.0", engine.at(61));
        for (int i = 1; i <= 3; i++) {
            engine.sample("mail", "2.0.1", "error_rate", 0.4, engine.at(61 + i * 10L));
        }
        JsonNode failed = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(failed.path("analysisId").asText()).isEqualTo("d-2");
        assertThat(failed.path("outcome").asText()).isEqualTo("failed");
        assertThat(engine.anomalyEvents().get(0).at("/data/customData").has("rolloutStep")).isFalse();
    }

    @Test
    void anAbortOrTheAbortsRollbackEndsTheStepAnalysisAndOpensNoAnalysisOfTheRestoredVersion() {
        stableRunning("ship", null);
        engine.stepStarted("ship", "d-2", "2.0.1", "1.0.0", 1, "PT5M", engine.at(0));
        engine.rolloutAborted("ship", "d-2", "2.0.1", 1, engine.at(30));
        JsonNode aborted = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(aborted.path("analysisId").asText()).isEqualTo("d-2#1");
        assertThat(aborted.path("endedBy").asText()).isEqualTo("rollback");
        assertThat(aborted.path("reason").asText()).contains("aborted");
        engine.rolloutRolledBack("ship", "d-2", "1.0.0", "d-1", true, engine.at(40));

        // a rollback that says so ends the step analysis by itself (the aborted event not heard yet)
        stableRunning("dock", null);
        engine.stepStarted("dock", "d-2", "2.0.1", "1.0.0", 1, "PT5M", engine.at(0));
        engine.rolloutRolledBack("dock", "d-2", "1.0.0", "d-1", true, engine.at(40));
        List<JsonNode> verdicts = new java.util.ArrayList<>(engine.verdicts());
        // and so does one without the flag, of a deployment that only ever ran as a canary
        stableRunning("port", null);
        engine.stepStarted("port", "d-2", "2.0.1", "1.0.0", 1, "PT5M", engine.at(0));
        engine.rolloutRolledBack("port", "d-2", "1.0.0", "d-1", false, engine.at(40));

        verdicts.addAll(engine.verdicts());
        assertThat(verdicts).extracting(verdict -> verdict.path("subject").asText())
                .containsExactly("dock/production", "port/production");
        assertThat(verdicts).allSatisfy(verdict -> {
            assertThat(verdict.at("/data/subject/content/analysisId").asText()).isEqualTo("d-2#1");
            assertThat(verdict.at("/data/subject/content/endedBy").asText()).isEqualTo("rollback");
        });
        advance(Duration.ofMinutes(40));
        assertThat(engine.verdicts()).isEmpty();
        assertThat(engine.snapshots()).noneMatch(snapshot -> snapshot.path("analysisId").asText().contains("@"));
    }

    @Test
    void aStepStartedDeliveredTwiceOpensOneAnalysisWithOneVerdict() {
        stableRunning("cdn", null);
        engine.stepStarted("cdn", "d-2", "2.0.1", "1.0.0", 1, "PT5M", engine.at(0));
        engine.sample("cdn", "2.0.1", "error_rate", 0.01, engine.at(30));
        engine.stepStarted("cdn", "d-2", "2.0.1", "1.0.0", 1, "PT5M", engine.at(0));
        engine.sample("cdn", "2.0.1", "error_rate", 0.01, engine.at(60));
        engine.sample("cdn", "2.0.1", "error_rate", 0.01, engine.at(90));

        advance(Duration.ofMinutes(6));
        // and once more after it ended, as after a topic reset
        engine.stepStarted("cdn", "d-2", "2.0.1", "1.0.0", 1, "PT5M", engine.at(0));
        advance(Duration.ofMinutes(6));

        List<JsonNode> verdicts = engine.verdicts();
        assertThat(verdicts).hasSize(1);
        JsonNode content = verdicts.get(0).at("/data/subject/content");
        assertThat(content.path("outcome").asText()).isEqualTo("passed");
        assertThat(content.path("samples").asInt()).isEqualTo(3);
    }

    @Test
    void aStepOlderThanTheRunningAnalysisOrOfAnEndedRolloutOpensNothing() {
        stableRunning("api", null);
        engine.stepStarted("api", "d-2", "2.0.1", "1.0.0", 3, "PT5M", engine.at(120));
        engine.stepStarted("api", "d-2", "2.0.1", "1.0.0", 1, "PT5M", engine.at(0));
        assertThat(engine.verdicts()).isEmpty();
        assertThat(last(engine.snapshots()).path("analysisId").asText()).isEqualTo("d-2#3");

        // the rollout was aborted: a step event that comes after it changes nothing
        engine.rolloutAborted("api", "d-2", "2.0.1", 3, engine.at(180));
        assertThat(engine.verdicts()).hasSize(1);
        engine.stepStarted("api", "d-2", "2.0.1", "1.0.0", 5, "PT5M", engine.at(170));
        advance(Duration.ofMinutes(40));
        assertThat(engine.verdicts()).isEmpty();

        // promoted and analysed in full: a late step of it opens nothing either
        stableRunning("web", null);
        engine.deploy("web", "d-2", "2.0.1", "1.0.0", engine.at(2600));
        engine.stepStarted("web", "d-2", "2.0.1", "1.0.0", 3, "PT5M", engine.at(2700));
        assertThat(last(engine.snapshots()).path("analysisId").asText()).isEqualTo("d-2");
        assertThat(engine.verdicts()).isEmpty();
    }

    @Test
    void aStepWithAnUnreadableWindowIsDeadLetteredAndAStepWithoutAnalysisIsIgnored() {
        stableRunning("img", null);
        engine.stepStarted("img", "d-2", "2.0.1", "1.0.0", 1, "5 minutes", engine.at(0));
        List<TestRecord<String, String>> dead = engine.deploymentsDlq.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(EngineDriver.header(dead.get(0).headers(), DeadLetters.REASON))
                .contains("subject.content.analysis.window");

        ObjectNode setWeight = (ObjectNode)
                EventContract.parse(EventContract.read(EventContract.contractsDirectory().resolve("examples")
                        .resolve("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0.json")));
        ((ObjectNode) setWeight.at("/data/subject/content")).putNull("analysis")
                .putObject("step").put("kind", "set-weight").put("weight", 10);
        engine.deployments.pipeInput("img/production", setWeight.toString(), engine.at(10));
        assertThat(engine.deploymentsDlq.readRecordsToList()).isEmpty();
        assertThat(engine.snapshots()).noneMatch(snapshot -> snapshot.path("analysisId").asText().startsWith("d-0003"));
    }

    /** d-1 (1.0.0) deployed two hours ago and passed; its samples since are the baseline. */
    private void stableRunning(String service, String spec) {
        if (spec != null) {
            engine.spec(service, spec);
        }
        engine.deploy(service, "d-1", "1.0.0", null, engine.at(-7200));
        advance(Duration.ofSeconds(1));
        for (int i = 0; i < 100; i++) {
            engine.sample(service, "1.0.0", spec != null ? "latency" : "error_rate",
                    spec != null ? 100 + noise.nextGaussian() * 5 : 0.01, engine.at(-6000 + i * 30L));
        }
        engine.verdicts();
        engine.snapshots();
    }

    /** Canary and stable latency samples every 20 s between two times (seconds after the start). */
    private void sideBySide(String service, double canary, double stable, long from, long to) {
        for (long at = from + 10; at <= to; at += 20) {
            // the wall clock a minute behind the samples: measured just now, the window still open
            clockTo(at - 60);
            engine.sample(service, "2.0.1", "latency", canary + noise.nextGaussian() * 5, engine.at(at));
            engine.sample(service, "1.0.0", "latency", stable + noise.nextGaussian() * 5, engine.at(at));
        }
    }

    /** Seconds after the start the wall clock has reached. */
    private long wall;

    private void advance(Duration duration) {
        engine.advance(duration);
        wall += duration.toSeconds();
    }

    private void clockTo(long secondsAfterStart) {
        if (secondsAfterStart > wall) {
            advance(Duration.ofSeconds(secondsAfterStart - wall));
        }
    }

    private static JsonNode last(List<JsonNode> snapshots) {
        assertThat(snapshots).isNotEmpty();
        return snapshots.get(snapshots.size() - 1);
    }
}
