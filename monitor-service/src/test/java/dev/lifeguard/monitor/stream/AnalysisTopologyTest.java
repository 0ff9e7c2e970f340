package dev.lifeguard.monitor.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.monitor.event.AnalysisEvents;
import dev.lifeguard.monitor.stream.EngineMetrics.SampleOutcome;
import dev.lifeguard.support.consumer.DeadLetters;
import dev.lifeguard.testsupport.EventContract;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's decisions, driven record by record with the wall clock under control. */
class AnalysisTopologyTest {

    private final EngineDriver engine = new EngineDriver(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void threeBadSamplesFailTheAnalysisWithOneAnomalyAndOneVerdict() {
        engine.deploy("checkout", "d-1", "2.0.0", "1.0.0", engine.at(0));
        engine.sample("checkout", "2.0.0", "error_rate", 0.01, engine.at(5));
        engine.sample("checkout", "2.0.0", "error_rate", 0.21, engine.at(10));
        engine.sample("checkout", "2.0.0", "error_rate", 0.34, engine.at(15));
        engine.sample("checkout", "2.0.0", "error_rate", 0.40, engine.at(20));
        engine.sample("checkout", "2.0.0", "error_rate", 0.50, engine.at(25));

        List<JsonNode> anomalies = engine.anomalyEvents();
        assertThat(anomalies).hasSize(1);
        JsonNode anomaly = anomalies.get(0);
        assertThat(EventContract.violations(anomaly.toString())).isEmpty();
        assertThat(anomaly.at("/data/customData/observedValues").toString()).isEqualTo("[0.21,0.34,0.4]");
        assertThat(anomaly.at("/data/customData/anomalyId").asText()).isEqualTo(AnalysisEvents.anomalyId("d-1"));

        List<JsonNode> verdicts = engine.verdicts();
        assertThat(verdicts).hasSize(1);
        JsonNode verdict = verdicts.get(0);
        assertThat(EventContract.violations(verdict.toString())).isEmpty();
        assertThat(verdict.path("id").asText()).isEqualTo(AnalysisEvents.verdictEventId("d-1"));

        // the automatic action's audit entry, written with the verdict (same Kafka transaction), keyed by its actor
        var audit = engine.auditRecords();
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).key()).isEqualTo("service:monitor-service");
        JsonNode entry = EngineDriver.json(audit.get(0).value());
        assertThat(EventContract.violations(entry.toString())).isEmpty();
        assertThat(entry.at("/data/subject/content/action").asText()).isEqualTo("analysis.ended");
        assertThat(entry.at("/data/subject/content/target").asText()).isEqualTo("checkout/production");
        assertThat(entry.at("/data/subject/content/outcome").asText()).isEqualTo("failed");
        assertThat(entry.at("/data/context/links/0/target/contextId").asText()).as("it links to the verdict")
                .isEqualTo(verdict.path("id").asText());
        JsonNode content = verdict.at("/data/subject/content");
        assertThat(content.path("outcome").asText()).isEqualTo("failed");
        assertThat(content.path("endedBy").asText()).isEqualTo("failure");
        assertThat(content.path("samples").asLong()).isEqualTo(4);
        assertThat(content.path("reason").asText()).contains("error_rate").contains("0.05");
        assertThat(content.at("/metrics/0/verdict").asText()).isEqualTo("failed");
        assertThat(content.at("/metrics/0/evidence").size()).isEqualTo(3);
        // the sample after the failure belongs to an ended analysis
        assertThat(engine.engineMetrics.samples(SampleOutcome.LATE)).isEqualTo(1);
    }

    @Test
    void anAnalysisWithoutFailureEndsAsPassedWhenItsWindowCloses() {
        engine.deploy("cart", "d-2", "2.0.0", "1.0.0", engine.at(0));
        for (int i = 1; i <= 5; i++) {
            engine.sample("cart", "2.0.0", "error_rate", 0.01, engine.at(i * 10L));
        }
        engine.advance(Duration.ofMinutes(29));
        assertThat(engine.verdicts()).isEmpty();

        engine.advance(Duration.ofMinutes(2));

        List<JsonNode> verdicts = engine.verdicts();
        assertThat(verdicts).hasSize(1);
        JsonNode content = verdicts.get(0).at("/data/subject/content");
        assertThat(content.path("outcome").asText()).isEqualTo("passed");
        assertThat(engine.auditRecords()).singleElement().satisfies(entry -> assertThat(EngineDriver.json(entry.value())
                .at("/data/subject/content/outcome").asText()).isEqualTo("passed"));
        assertThat(content.path("endedBy").asText()).isEqualTo("window");
        assertThat(content.path("samples").asLong()).isEqualTo(5);
        assertThat(engine.anomalyEvents()).isEmpty();
    }

    @Test
    void tooFewSamplesByTheEndOfTheWindowIsInconclusiveNeverAPass() {
        engine.deploy("search", "d-3", "2.0.0", "1.0.0", engine.at(0));
        engine.sample("search", "2.0.0", "error_rate", 0.01, engine.at(10));

        engine.advance(Duration.ofMinutes(31));

        JsonNode content = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(content.path("outcome").asText()).isEqualTo("inconclusive");
        assertThat(content.path("reason").asText()).contains("only 1 sample(s) of error_rate, 3 needed");
    }

    @Test
    void anAnalysisWithNoDataAtAllIsInconclusive() {
        engine.deploy("quiet", "d-4", "2.0.0", "1.0.0", engine.at(0));

        engine.advance(Duration.ofMinutes(31));

        JsonNode content = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(content.path("outcome").asText()).isEqualTo("inconclusive");
        assertThat(content.path("reason").asText()).contains("no samples of error_rate");
    }

    @Test
    void aNewerDeploymentSupersedesTheRunningAnalysisWhichEndsInconclusive() {
        engine.deploy("pay", "d-5", "2.0.0", "1.0.0", engine.at(0));
        engine.sample("pay", "2.0.0", "error_rate", 0.01, engine.at(5));
        engine.deploy("pay", "d-6", "3.0.0", "1.0.0", engine.at(60));

        List<JsonNode> verdicts = engine.verdicts();
        assertThat(verdicts).hasSize(1);
        JsonNode content = verdicts.get(0).at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo("d-5");
        assertThat(content.path("outcome").asText()).isEqualTo("inconclusive");
        assertThat(content.path("endedBy").asText()).isEqualTo("superseded");
        assertThat(content.path("reason").asText()).contains("d-6");

        // samples of the superseded version are late now: never judged against the newer version
        engine.sample("pay", "2.0.0", "error_rate", 0.9, engine.at(61));
        engine.sample("pay", "2.0.0", "error_rate", 0.9, engine.at(62));
        engine.sample("pay", "2.0.0", "error_rate", 0.9, engine.at(63));
        assertThat(engine.anomalyEvents()).isEmpty();
        assertThat(engine.engineMetrics.samples(SampleOutcome.LATE)).isEqualTo(3);
    }

    @Test
    void aRollbackEndsTheRunningAnalysisAndARollbackThatCameFirstEndsItOnArrival() {
        engine.deploy("ship", "d-7", "2.0.0", "1.0.0", engine.at(0));
        engine.rollBack("ship", "d-7", "1.0.0", "d-6", engine.at(30));
        JsonNode rolledBack = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(rolledBack.path("deploymentId").asText()).isEqualTo("d-7");
        assertThat(rolledBack.path("endedBy").asText()).isEqualTo("rollback");
        assertThat(rolledBack.path("outcome").asText()).isEqualTo("inconclusive");

        // on a target never seen, the rollback came before its deployment: the restored version is analysed at once
        engine.rollBack("dock", "d-8", "1.0.0", "d-5", engine.at(90));
        assertThat(engine.verdicts()).isEmpty();
        engine.deploy("dock", "d-8", "3.0.0", "1.0.0", engine.at(60));
        List<JsonNode> verdicts = engine.verdicts();
        assertThat(verdicts).hasSize(1);
        JsonNode early = verdicts.get(0).at("/data/subject/content");
        assertThat(early.path("deploymentId").asText()).isEqualTo("d-8");
        assertThat(early.path("endedBy").asText()).isEqualTo("rollback");
        assertThat(EventContract.violations(verdicts.get(0).toString())).isEmpty();

        // ... and its analysis went on: 3.0.0 (rolled back) was never analysed
        for (int i = 1; i <= 3; i++) {
            engine.sample("dock", "3.0.0", "error_rate", 0.9, engine.at(90 + i));
            engine.sample("dock", "1.0.0", "error_rate", 0.01, engine.at(90 + i));
        }
        engine.advance(Duration.ofMinutes(32));
        JsonNode restored = engine.verdicts().stream().map(verdict -> verdict.at("/data/subject/content"))
                .filter(content -> content.path("service").asText().equals("dock")).findFirst().orElseThrow();
        assertThat(restored.path("deploymentId").asText()).isEqualTo("d-5");
        assertThat(restored.path("rollbackId").asText()).isEqualTo("rollback-of-d-8");
        assertThat(restored.path("outcome").asText()).isEqualTo("passed");
        assertThat(restored.path("samples").asLong()).isEqualTo(3);
        assertThat(engine.anomalyEvents()).isEmpty();
    }

    // ---- the restored version after a rollback ---------------------------------------------------------------

    /** 1.0.0 (d-{n}a) analysed and over, 2.0.0 (d-{n}b) deployed at -600 and failed at once; returns the rollback id. */
    private String failedUpgrade(String service, String oldDeployment, String newDeployment) {
        engine.deploy(service, oldDeployment, "1.0.0", null, engine.at(-7200));
        engine.advance(Duration.ofSeconds(1));
        engine.deploy(service, newDeployment, "2.0.0", "1.0.0", engine.at(-600));
        for (int i = 1; i <= 3; i++) {
            engine.sample(service, "2.0.0", "error_rate", 0.5, engine.at(-600 + i * 10L));
        }
        assertThat(engine.anomalyEvents()).hasSize(1);
        assertThat(engine.verdicts()).hasSize(2);
        engine.snapshots();
        return "rollback-of-" + newDeployment;
    }

    @Test
    void aRollbackOpensAnAnalysisOfTheRestoredDeploymentWhosePassingVerdictHasIdsOfItsOwn() {
        String rollbackId = failedUpgrade("restore", "d-20", "d-21");

        engine.rollBack("restore", "d-21", "1.0.0", "d-20", engine.at(-500));

        assertThat(engine.verdicts()).isEmpty();
        JsonNode opened = engine.snapshots().get(0);
        assertThat(opened.path("analysisId").asText()).isEqualTo("d-20@" + rollbackId);
        assertThat(opened.path("deploymentId").asText()).isEqualTo("d-20");
        assertThat(opened.path("rollbackId").asText()).isEqualTo(rollbackId);
        assertThat(opened.path("status").asText()).isEqualTo("RUNNING");
        assertThat(opened.path("version").asText()).isEqualTo("1.0.0");
        assertThat(opened.path("stableVersion").asText()).isEqualTo("1.0.0");
        assertThat(opened.path("startedAt").asText()).isEqualTo(engine.at(-500).toString());

        for (int i = 1; i <= 4; i++) {
            engine.sample("restore", "1.0.0", "error_rate", 0.01, engine.at(-500 + i * 10L));
        }
        engine.sample("restore", "2.0.0", "error_rate", 0.9, engine.at(-450));
        engine.advance(Duration.ofMinutes(31));

        List<JsonNode> verdicts = engine.verdicts();
        assertThat(verdicts).hasSize(1);
        JsonNode verdict = verdicts.get(0);
        assertThat(EventContract.violations(verdict.toString())).isEmpty();
        assertThat(verdict.path("id").asText()).isEqualTo(AnalysisEvents.verdictEventId("d-20", rollbackId))
                .isNotEqualTo(AnalysisEvents.verdictEventId("d-20"));
        assertThat(verdict.at("/data/subject/id").asText()).isEqualTo("d-20");
        assertThat(verdict.at("/data/context/links/0/target/contextId").asText()).isEqualTo("rb-" + rollbackId);
        JsonNode content = verdict.at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo("d-20");
        assertThat(content.path("rollbackId").asText()).isEqualTo(rollbackId);
        assertThat(content.path("version").asText()).isEqualTo("1.0.0");
        assertThat(content.path("outcome").asText()).isEqualTo("passed");
        assertThat(content.path("endedBy").asText()).isEqualTo("window");
        assertThat(content.path("samples").asLong()).isEqualTo(4);
        assertThat(engine.anomalyEvents()).isEmpty();
    }

    @Test
    void aRestoredVersionThatFailsAgainRaisesAnAnomalyNamingTheRestoredDeployment() {
        String rollbackId = failedUpgrade("relapse", "d-0", "d-22");
        engine.rollBack("relapse", "d-22", "1.0.0", "d-0", engine.at(-500));

        // measured before the rollback made 1.0.0 run again: not this analysis's, and not a broken sample either
        engine.sample("relapse", "1.0.0", "error_rate", 0.9, engine.at(-520));
        for (int i = 1; i <= 3; i++) {
            engine.sample("relapse", "1.0.0", "error_rate", 0.3, engine.at(-500 + i * 10L));
        }

        List<JsonNode> anomalies = engine.anomalyEvents();
        assertThat(anomalies).hasSize(1);
        JsonNode anomaly = anomalies.get(0);
        assertThat(EventContract.violations(anomaly.toString())).isEmpty();
        assertThat(anomaly.at("/data/customData/deploymentId").asText()).isEqualTo("d-0");
        assertThat(anomaly.at("/data/customData/rollbackId").asText()).isEqualTo(rollbackId);
        assertThat(anomaly.at("/data/customData/version").asText()).isEqualTo("1.0.0");
        assertThat(anomaly.at("/data/customData/observedValues").toString()).isEqualTo("[0.3,0.3,0.3]");
        assertThat(anomaly.at("/data/customData/anomalyId").asText()).isEqualTo(AnalysisEvents.anomalyId("d-0", rollbackId))
                .isNotEqualTo(AnalysisEvents.anomalyId("d-0")).isNotEqualTo(AnalysisEvents.anomalyId("d-22"));
        assertThat(anomaly.at("/data/subject/content/description").asText()).contains("after rollback " + rollbackId);
        JsonNode verdict = engine.verdicts().get(0);
        assertThat(EventContract.violations(verdict.toString())).isEmpty();
        JsonNode content = verdict.at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo("d-0");
        assertThat(content.path("rollbackId").asText()).isEqualTo(rollbackId);
        assertThat(content.path("outcome").asText()).isEqualTo("failed");
        assertThat(content.path("anomalyId").asText()).isEqualTo(AnalysisEvents.anomalyId("d-0", rollbackId));
        assertThat(content.path("samples").asLong()).isEqualTo(3);
        assertThat(engine.deadSamples()).isEmpty();
    }

    @Test
    void samplesOfTheRestoredVersionThatCameBeforeTheRollbackEventAreTakenIntoItsAnalysis() {
        String rollbackId = failedUpgrade("lag", "d-39", "d-40");
        // the platform already runs 1.0.0 again; deploy-service's event is on its way
        for (int i = 1; i <= 3; i++) {
            engine.sample("lag", "1.0.0", "error_rate", 0.4, engine.at(-500 + i * 10L));
        }
        assertThat(engine.anomalyEvents()).isEmpty();

        engine.rollBack("lag", "d-40", "1.0.0", "d-39", engine.at(-500));

        assertThat(engine.anomalyEvents()).singleElement().satisfies(anomaly ->
                assertThat(anomaly.at("/data/customData/deploymentId").asText()).isEqualTo("d-39"));
        JsonNode content = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(content.path("rollbackId").asText()).isEqualTo(rollbackId);
        assertThat(content.path("samples").asLong()).isEqualTo(3);
        // the same samples sent again are repeats
        engine.sample("lag", "1.0.0", "error_rate", 0.4, engine.at(-490));
        assertThat(engine.verdicts()).isEmpty();
    }

    @Test
    void aRollbackDeliveredAgainOpensNoSecondAnalysis() {
        engine.deploy("again", "d-23", "2.0.0", "1.0.0", engine.at(-600));
        engine.rollBack("again", "d-23", "1.0.0", "d-1", engine.at(-500));
        engine.rollBack("again", "d-23", "1.0.0", "d-1", engine.at(-500));
        for (int i = 1; i <= 3; i++) {
            engine.sample("again", "1.0.0", "error_rate", 0.01, engine.at(-500 + i * 10L));
        }
        engine.rollBack("again", "d-23", "1.0.0", "d-1", engine.at(-500));

        List<JsonNode> opened = engine.snapshots().stream()
                .filter(snapshot -> snapshot.path("rollbackId").isTextual() && snapshot.path("revision").asLong() == 1)
                .toList();
        assertThat(opened).hasSize(1);
        engine.advance(Duration.ofMinutes(31));
        List<JsonNode> verdicts = engine.verdicts();
        assertThat(verdicts).extracting(verdict -> verdict.at("/data/subject/content/deploymentId").asText())
                .containsExactly("d-23", "d-1");
        assertThat(verdicts.get(1).at("/data/subject/content/samples").asLong()).isEqualTo(3);

        // once more after its analysis ended: still nothing new
        engine.rollBack("again", "d-23", "1.0.0", "d-1", engine.at(-500));
        engine.advance(Duration.ofMinutes(31));
        assertThat(engine.verdicts()).isEmpty();
        assertThat(engine.snapshots()).noneMatch(snapshot -> "RUNNING".equals(snapshot.path("status").asText()));
    }

    @Test
    void aNewerDeploymentSupersedesTheRestoredVersionsAnalysisAndAnOlderRollbackOpensNone() {
        engine.deploy("next", "d-24", "2.0.0", "1.0.0", engine.at(-600));
        engine.rollBack("next", "d-24", "1.0.0", "d-2", engine.at(-500));
        assertThat(engine.verdicts()).hasSize(1);

        engine.deploy("next", "d-25", "3.0.0", "1.0.0", engine.at(-400));

        JsonNode superseded = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(superseded.path("deploymentId").asText()).isEqualTo("d-2");
        assertThat(superseded.path("rollbackId").asText()).isEqualTo("rollback-of-d-24");
        assertThat(superseded.path("outcome").asText()).isEqualTo("inconclusive");
        assertThat(superseded.path("endedBy").asText()).isEqualTo("superseded");
        assertThat(superseded.path("reason").asText()).contains("d-25");

        // a rollback older than d-25 (reported late by CI) does not take its place
        engine.rollBack("next", "d-24", "1.0.0", "d-2", "ci-late", engine.at(-450));
        assertThat(engine.verdicts()).isEmpty();
        for (int i = 1; i <= 3; i++) {
            engine.sample("next", "1.0.0", "error_rate", 0.9, engine.at(-400 + i * 10L));
            engine.sample("next", "3.0.0", "error_rate", 0.9, engine.at(-400 + i * 10L));
        }
        JsonNode anomaly = engine.anomalyEvents().get(0);
        assertThat(anomaly.at("/data/customData/deploymentId").asText()).isEqualTo("d-25");
        assertThat(anomaly.at("/data/customData/rollbackId").isMissingNode()).isTrue();
        assertThat(engine.verdicts()).singleElement().satisfies(verdict ->
                assertThat(verdict.at("/data/subject/content/rollbackId").isMissingNode()).isTrue());
    }

    @Test
    void aRollbackEventWithoutTheRestoredDeploymentAnalysesItUnderAnIdDerivedFromTheRollback() {
        engine.deploy("legacy", "d-26", "2.0.0", "1.0.0", engine.at(-600));
        engine.verdicts();

        engine.rollBack("legacy", "d-26", "1.0.0", null, engine.at(-500));
        assertThat(engine.verdicts()).hasSize(1);
        engine.advance(Duration.ofMinutes(31));

        JsonNode verdict = engine.verdicts().get(0);
        assertThat(EventContract.violations(verdict.toString())).isEmpty();
        JsonNode content = verdict.at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo("restored-by-rollback-of-d-26");
        assertThat(content.path("rollbackId").asText()).isEqualTo("rollback-of-d-26");
        assertThat(content.path("version").asText()).isEqualTo("1.0.0");
        assertThat(content.path("outcome").asText()).isEqualTo("inconclusive");
        assertThat(content.path("reason").asText()).contains("no samples of error_rate");
    }

    @Test
    void theCanaryDetectorJudgesTheRestoredVersionAgainstItsOwnSamplesFromBeforeTheFailedDeploy() {
        engine.spec("cdn", "{\"window\":\"30m\",\"interval\":\"1m\",\"minSamples\":5,\"metrics\":[{\"metric\":\"latency\","
                + "\"detector\":\"canary\"}]}");
        engine.deploy("cdn", "d-30", "1.0.0", null, engine.at(-7200));
        engine.advance(Duration.ofSeconds(1));
        java.util.Random noise = new java.util.Random(11);
        for (int i = 0; i < 150; i++) {
            engine.sample("cdn", "1.0.0", "latency", 100 + noise.nextGaussian() * 5, engine.at(-7000 + i * 30L));
        }
        engine.deploy("cdn", "d-31", "2.0.0", "1.0.0", engine.at(-1800));
        for (int i = 1; i <= 20; i++) {
            engine.sample("cdn", "2.0.0", "latency", 300 + noise.nextGaussian() * 5, engine.at(-1800 + i * 30L));
        }
        assertThat(engine.anomalyEvents()).hasSize(1);
        engine.verdicts();

        engine.rollBack("cdn", "d-31", "1.0.0", "d-30", engine.at(-1000));
        for (int i = 1; i <= 33; i++) {
            engine.sample("cdn", "1.0.0", "latency", 100 + noise.nextGaussian() * 5, engine.at(-1000 + i * 30L));
        }
        engine.advance(Duration.ofMinutes(31));

        JsonNode content = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo("d-30");
        assertThat(content.path("stableVersion").asText()).isEqualTo("1.0.0");
        assertThat(content.path("outcome").asText()).isEqualTo("passed");
        assertThat(content.at("/metrics/0/reason").asText()).contains("before the deploy");
        assertThat(engine.anomalyEvents()).isEmpty();
    }

    @Test
    void samplesThatOvertookTheirDeploymentEventAreJudgedWhenItArrives() {
        engine.deploy("mail", "d-9", "1.0.0", null, engine.at(0));
        engine.sample("mail", "2.0.0", "error_rate", 0.3, engine.at(70));
        engine.sample("mail", "2.0.0", "error_rate", 0.3, engine.at(75));
        engine.sample("mail", "2.0.0", "error_rate", 0.3, engine.at(80));
        assertThat(engine.anomalyEvents()).isEmpty();

        engine.deploy("mail", "d-10", "2.0.0", "1.0.0", engine.at(60));

        assertThat(engine.anomalyEvents()).hasSize(1);
        assertThat(engine.engineMetrics.samples(SampleOutcome.EARLY)).isEqualTo(3);
    }

    @Test
    void aRepeatedSampleCountsOnceAndARepeatedDeploymentEventStartsNothing() {
        engine.deploy("auth", "d-11", "2.0.0", "1.0.0", engine.at(0));
        for (int i = 0; i < 3; i++) {
            engine.sample("auth", "2.0.0", "error_rate", 0.5, engine.at(10));
        }
        engine.deploy("auth", "d-11", "2.0.0", "1.0.0", engine.at(0));

        assertThat(engine.anomalyEvents()).isEmpty();
        assertThat(engine.verdicts()).isEmpty();
        assertThat(engine.engineMetrics.samples(SampleOutcome.DUPLICATE)).isEqualTo(2);
        assertThat(engine.engineMetrics.samples(SampleOutcome.ANALYSED)).isEqualTo(1);
    }

    @Test
    void samplesOfOneSeriesArrivingOutOfMeasurementOrderAreEachTakenOnce() {
        engine.deploy("ledger", "d-19", "2.0.0", "1.0.0", engine.at(0));
        engine.sample("ledger", "2.0.0", "error_rate", 0.5, engine.at(30));
        engine.sample("ledger", "2.0.0", "error_rate", 0.5, engine.at(10));
        engine.sample("ledger", "2.0.0", "error_rate", 0.5, engine.at(30));
        assertThat(engine.anomalyEvents()).isEmpty();

        engine.sample("ledger", "2.0.0", "error_rate", 0.5, engine.at(20));

        assertThat(engine.anomalyEvents()).hasSize(1);
        assertThat(engine.engineMetrics.samples(SampleOutcome.DUPLICATE)).isEqualTo(1);
    }

    @Test
    void anOlderDeploymentArrivingAfterANewerOneIsNotAnalysed() {
        engine.deploy("feed", "d-13", "3.0.0", "2.0.0", engine.at(60));
        engine.deploy("feed", "d-12", "2.0.0", "1.0.0", engine.at(0));
        for (int i = 1; i <= 3; i++) {
            engine.sample("feed", "2.0.0", "error_rate", 0.9, engine.at(60 + i));
        }
        assertThat(engine.anomalyEvents()).isEmpty();
        assertThat(engine.verdicts()).isEmpty();
    }

    @Test
    void samplesOfUnkeyedOrMixedRecordsReachTheirTargetThroughTheRepartitionTopic() {
        engine.deploy("api", "d-14", "2.0.0", "1.0.0", engine.at(0));
        String batch = "[" + EngineDriver.sampleJson("api", "2.0.0", "error_rate", 0.3, engine.at(5)) + ","
                + EngineDriver.sampleJson("other", "1.0.0", "error_rate", 0.3, engine.at(5)) + ","
                + EngineDriver.sampleJson("api", "2.0.0", "error_rate", 0.3, engine.at(6)) + "]";
        engine.metrics.pipeInput(null, batch, engine.at(6));
        engine.metrics.pipeInput(null, EngineDriver.sampleJson("api", "2.0.0", "error_rate", 0.3, engine.at(7)), engine.at(7));

        assertThat(engine.anomalyEvents()).hasSize(1);
    }

    @Test
    void malformedRecordsAndImpossibleSamplesAreDeadLetteredWithTheirReason() {
        engine.deploy("web", "d-15", "2.0.0", "1.0.0", engine.at(0));
        engine.metrics.pipeInput("web/production", "{\"service\":\"web\",\"environment\":\"production\",\"version\":\"2.0.0\","
                + "\"metric\":\"error_rate\",\"value\":\"NaN\"}", engine.at(1));
        engine.metrics.pipeInput("web/production", "not json", engine.at(1));
        engine.sample("web", "2.0.0", "error_rate", 0.01, engine.at(3600));
        engine.sample("web", "2.0.0", "error_rate", 0.01, engine.at(-600));
        engine.sample("web", "2.0.0", "error_rate", 0.01, engine.at(5));

        List<TestRecord<String, String>> dead = engine.deadSamples();
        assertThat(dead).hasSize(4);
        assertThat(EngineDriver.header(dead.get(0).headers(), DeadLetters.REASON)).contains("'value' must be a number");
        assertThat(EngineDriver.header(dead.get(1).headers(), DeadLetters.REASON)).contains("not JSON");
        assertThat(EngineDriver.header(dead.get(2).headers(), DeadLetters.REASON)).contains("'timestamp' lies in the future");
        assertThat(EngineDriver.header(dead.get(3).headers(), DeadLetters.REASON)).contains("before its deployment");
        assertThat(EngineDriver.header(dead.get(0).headers(), DeadLetters.TOPIC)).isEqualTo(EngineDriver.METRICS);
        assertThat(engine.engineMetrics.samples(SampleOutcome.ANALYSED)).isEqualTo(1);
    }

    @Test
    void aDeploymentEventThatBreaksTheContractIsDeadLettered() {
        engine.deployments.pipeInput("x/production", "{\"specversion\":\"1.0\"}", engine.at(0));

        assertThat(engine.deploymentsDlq.readRecordsToList()).singleElement()
                .satisfies(dead -> assertThat(EngineDriver.header(dead.headers(), DeadLetters.REASON)).isNotBlank());
    }

    @Test
    void aTargetsOwnSpecAppliesToItsNextAnalysis() {
        engine.spec("orders", "{\"window\":\"10m\",\"interval\":\"1m\",\"minSamples\":2,\"metrics\":[{\"metric\":\"latency_p99\","
                + "\"provider\":\"stream\",\"detector\":\"threshold\",\"max\":0.5,\"failureLimit\":2}]}");
        engine.deploy("orders", "d-16", "2.0.0", "1.0.0", engine.at(0));
        engine.sample("orders", "2.0.0", "error_rate", 0.9, engine.at(5));
        engine.sample("orders", "2.0.0", "error_rate", 0.9, engine.at(6));
        engine.sample("orders", "2.0.0", "error_rate", 0.9, engine.at(7));
        assertThat(engine.anomalyEvents()).isEmpty();

        engine.sample("orders", "2.0.0", "latency_p99", 0.9, engine.at(8));
        engine.sample("orders", "2.0.0", "latency_p99", 0.8, engine.at(9));

        JsonNode content = engine.verdicts().get(0).at("/data/subject/content");
        assertThat(content.path("outcome").asText()).isEqualTo("failed");
        assertThat(content.at("/metrics/0/metric").asText()).isEqualTo("latency_p99");
        assertThat(content.path("endsAt").asText()).isEqualTo(engine.at(600).toString());
    }

    @Test
    void cusumJudgesTheNewVersionAgainstTheStableVersionsBaseline() {
        engine.spec("db", "{\"window\":\"30m\",\"interval\":\"1m\",\"minSamples\":5,\"metrics\":[{\"metric\":\"latency\","
                + "\"detector\":\"cusum\"}]}");
        engine.deploy("db", "d-17", "1.0.0", null, engine.at(-7200));
        engine.advance(Duration.ofSeconds(1));
        engine.verdicts();
        java.util.Random noise = new java.util.Random(7);
        for (int i = 0; i < 60; i++) {
            engine.sample("db", "1.0.0", "latency", 100 + noise.nextGaussian() * 5, engine.at(-3600 + i * 30L));
        }
        engine.deploy("db", "d-18", "2.0.0", "1.0.0", engine.at(0));
        for (int i = 1; i <= 30; i++) {
            engine.sample("db", "2.0.0", "latency", 115 + noise.nextGaussian() * 5, engine.at(i * 10L));
        }

        List<JsonNode> verdicts = engine.verdicts();
        assertThat(verdicts).hasSize(1);
        JsonNode content = verdicts.get(0).at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo("d-18");
        assertThat(content.path("outcome").asText()).isEqualTo("failed");
        assertThat(content.at("/metrics/0/detector").asText()).isEqualTo("cusum");
        assertThat(content.path("samples").asLong()).isLessThan(10);
        assertThat(engine.engineMetrics.samples(SampleOutcome.BASELINE)).isEqualTo(60);
    }

    @Test
    void samplesOfATargetNobodyAnalysesAreHeldBrieflyThenDroppedAndCounted() {
        engine.sample("ghost", "1.0.0", "error_rate", 0.2, engine.at(0));
        engine.advance(Duration.ofMinutes(11));

        assertThat(engine.engineMetrics.samples(SampleOutcome.EARLY)).isEqualTo(1);
        assertThat(engine.engineMetrics.samples(SampleOutcome.EARLY_EXPIRED)).isEqualTo(1);
    }
}
