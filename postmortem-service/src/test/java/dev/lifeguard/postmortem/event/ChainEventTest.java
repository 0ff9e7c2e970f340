package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.postmortem.ChainScenario;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.event.MalformedEventException;
import dev.lifeguard.testsupport.EventContract;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consumer side of the contract: the golden examples of every event the timeline reads. */
class ChainEventTest {

    private static final CloudEventReader READER = new CloudEventReader(new ObjectMapper());

    @ParameterizedTest
    @CsvSource({
            "dev.cdevents.service.deployed.0.3.0, DEPLOYMENT",
            "dev.cdevents.service.upgraded.0.3.0, DEPLOYMENT",
            "dev.cdevents.incident.detected.0.3.0, ANOMALY",
            "dev.cdeventsx.lifeguard-analysis.finished.0.1.0, ANALYSIS",
            "dev.cdeventsx.lifeguard-rollback.requested.0.1.0, ROLLBACK_REQUESTED",
            "dev.cdevents.service.rolledback.0.3.0, ROLLBACK",
            "dev.cdeventsx.lifeguard-rollback.failed.0.1.0, ROLLBACK_FAILED",
            "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0, ROLLBACK_SKIPPED",
            "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0, ROLLBACK_ACCEPTED",
            "dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0, APPROVAL_REQUESTED",
            "dev.cdeventsx.lifeguard-rollback.escalated.0.1.0, ESCALATED",
            "dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0, STORM_GUARD_TRIPPED",
            "dev.cdeventsx.lifeguard-notification.published.0.1.0, NOTIFICATION"})
    void goldenExamplesAreChainEventsOfTheirKind(String type, TimelineKind kind) {
        ChainEvent event = read(example(type)).orElseThrow();

        assertThat(event.details().kind()).isEqualTo(kind);
        assertThat(event.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
        assertThat(event.service()).isEqualTo("checkout");
        assertThat(event.environment()).isEqualTo("production");
        assertThat(event.time()).isNotNull();
    }

    @ParameterizedTest
    @CsvSource({
            "dev.cdevents.service.deployed.0.3.0",
            "dev.cdevents.service.upgraded.0.3.0",
            "dev.cdevents.incident.detected.0.3.0",
            "dev.cdeventsx.lifeguard-analysis.finished.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.requested.0.1.0",
            "dev.cdevents.service.rolledback.0.3.0",
            "dev.cdeventsx.lifeguard-rollback.failed.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.escalated.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0",
            "dev.cdeventsx.lifeguard-notification.published.0.1.0"})
    void goldenExamplesReadHereMeetTheirSchema(String type) {
        assertThat(EventContract.violations(example(type))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "dev.cdeventsx.lifeguard-rollout.gated.0.1.0, ROLLOUT_GATED",
            "dev.cdeventsx.lifeguard-rollout.released.0.1.0, ROLLOUT_RELEASED",
            "dev.cdeventsx.lifeguard-rollout.step-started.0.1.0, ROLLOUT_STEP",
            "dev.cdeventsx.lifeguard-rollout.paused.0.1.0, ROLLOUT_PAUSED",
            "dev.cdeventsx.lifeguard-rollout.promoted.0.1.0, ROLLOUT_PROMOTED",
            "dev.cdeventsx.lifeguard-rollout.aborted.0.1.0, ROLLOUT_ABORTED"})
    void rolloutGoldenExamplesMeetTheirSchemaAndAreChainEventsOfTheirKind(String type, TimelineKind kind) {
        assertThat(EventContract.violations(example(type))).isEmpty();
        ChainEvent event = read(example(type)).orElseThrow();

        assertThat(event.details().kind()).isEqualTo(kind);
        assertThat(event.chainId()).isEqualTo("5a1b2c3d-0003-4e5f-8a9b-000000000003");
        assertThat(event.service()).isEqualTo("checkout");
        RolloutReported rollout = (RolloutReported) event.details();
        assertThat(rollout.deploymentId()).isEqualTo("d-0003");
        assertThat(rollout.version()).isEqualTo("2.0.1");
        assertThat(rollout.stableVersion()).isEqualTo("1.0.0");
        assertThat(rollout.strategyType()).isEqualTo("canary");
        assertThat(rollout.fixes()).containsExactly("incident-0004");
    }

    @Test
    void rolloutEventsSayWhenTheNewVersionTakesTraffic() {
        RolloutReported pause = (RolloutReported) read(example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0"))
                .orElseThrow().details();
        RolloutReported setWeight = (RolloutReported) read(example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0")
                .replace("\"kind\": \"pause\",", "\"kind\": \"set-weight\", \"weight\": 10,")).orElseThrow().details();
        RolloutReported preview = (RolloutReported) read(example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0")
                .replace("\"kind\": \"pause\",", "\"kind\": \"preview\", \"weight\": 0,")).orElseThrow().details();
        RolloutReported promoted = (RolloutReported) read(example("dev.cdeventsx.lifeguard-rollout.promoted.0.1.0"))
                .orElseThrow().details();

        assertThat(pause.analysisId()).isEqualTo("d-0003#1");
        assertThat(pause.stepDuration()).isEqualTo("PT5M");
        assertThat(pause.takesTraffic()).isFalse();
        assertThat(setWeight.takesTraffic()).isTrue();
        assertThat(preview.takesTraffic()).isFalse();
        assertThat(promoted.takesTraffic()).isTrue();
    }

    @Test
    void rolloutEventWithoutVersionOrStepKindIsMalformedAndNamed() {
        String noVersion = example("dev.cdeventsx.lifeguard-rollout.aborted.0.1.0").replace("\"version\": \"2.0.1\",", "");
        String noKind = example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0").replace("\"kind\": \"pause\",", "");

        assertThatThrownBy(() -> read(noVersion)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/version");
        assertThatThrownBy(() -> read(noKind)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/step/kind");
    }

    @Test
    void deploymentReadsTheFixesItNamesInCustomDataOrAsLinks() {
        String withFixes = example("dev.cdevents.service.upgraded.0.3.0")
                .replace("\"ciEventId\": \"ci-0002\"", "\"ciEventId\": \"ci-0002\", \"fixes\": [\"inc-1\"],"
                        + " \"strategy\": {\"type\": \"canary\"}")
                .replace("\"links\": [", "\"links\": [{\"linkType\": \"RELATION\", \"linkKind\": \"FIXES\","
                        + " \"target\": {\"contextId\": \"inc-2\"}},");
        String stepVerdict = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")
                .replaceFirst("\"analysisId\": \"d-0002\",\\s*", "")
                .replace("\"deploymentId\": \"d-0002\",", "\"deploymentId\": \"d-0002\", \"analysisId\": \"d-0002#1\",");
        String reanalysis = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")
                .replaceFirst("\"analysisId\": \"d-0002\",\\s*", "")
                .replace("\"deploymentId\": \"d-0002\",", "\"deploymentId\": \"d-0002\", \"analysisId\": \"d-0002@r-1\",");

        DeploymentReported deployment = (DeploymentReported) read(withFixes).orElseThrow().details();
        assertThat(deployment.fixes()).containsExactly("inc-1", "inc-2");
        assertThat(deployment.strategyType()).isEqualTo("canary");
        assertThat(((AnalysisFinished) read(stepVerdict).orElseThrow().details()).stepAnalysis()).isTrue();
        assertThat(((AnalysisFinished) read(reanalysis).orElseThrow().details()).deploymentVerdict()).isFalse();
        assertThat(((AnalysisFinished) read(example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")).orElseThrow()
                .details()).deploymentVerdict()).isTrue();
    }

    @Test
    void analysisVerdictCarriesItsOutcomeReasonAndMetrics() {
        ChainEvent event = read(example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")).orElseThrow();
        AnalysisFinished analysis = (AnalysisFinished) event.details();

        assertThat(event.time()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:01:21Z"));
        assertThat(analysis.deploymentId()).isEqualTo("d-0002");
        assertThat(analysis.version()).isEqualTo("2.0.0");
        assertThat(analysis.outcome()).isEqualTo("failed");
        assertThat(analysis.reason())
                .isEqualTo("error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0 in production");
        assertThat(analysis.endedBy()).isEqualTo("failure");
        assertThat(analysis.metrics()).containsExactly(
                new AnalysisFinished.MetricVerdict("error_rate", "threshold", "failed", 0.4,
                        "error_rate above 0.05 for 3 consecutive samples"),
                new AnalysisFinished.MetricVerdict("latency_p99", "canary", "inconclusive", null,
                        "2 intervals so far, the canary detector needs 3"));
        assertThat(analysis.decidingMetrics()).extracting(AnalysisFinished.MetricVerdict::metric)
                .containsExactly("error_rate");
    }

    @Test
    void analysisWithAnUnknownOutcomeIsMalformedAndNamed() {
        String analysis = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")
                .replace("\"outcome\": \"failed\"", "\"outcome\": \"maybe\"");

        assertThatThrownBy(() -> read(analysis)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/outcome").hasMessageContaining("'maybe'");
    }

    @Test
    void analysisMetricWithoutAKnownVerdictIsLeftOutButTheVerdictStillReads() {
        String analysis = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")
                .replace("\"verdict\": \"inconclusive\"", "\"verdict\": \"?\"");

        AnalysisFinished read = (AnalysisFinished) read(analysis).orElseThrow().details();

        assertThat(read.outcome()).isEqualTo("failed");
        assertThat(read.metrics()).extracting(AnalysisFinished.MetricVerdict::metric).containsExactly("error_rate");
    }

    @Test
    void anomalyCarriesItsEvidence() {
        AnomalyDetected anomaly = (AnomalyDetected) read(example("dev.cdevents.incident.detected.0.3.0")).orElseThrow().details();

        assertThat(anomaly.anomalyId()).isEqualTo("anomaly-0003");
        assertThat(anomaly.version()).isEqualTo("2.0.0");
        assertThat(anomaly.rule()).isEqualTo("error_rate > 0.05 for 3 consecutive samples");
        assertThat(anomaly.metric()).isEqualTo("error_rate");
        assertThat(anomaly.threshold()).isEqualTo(0.05);
        assertThat(anomaly.observedValues()).containsExactly(0.21, 0.34, 0.4);
        assertThat(anomaly.observedValuesText()).isEqualTo("0.21, 0.34, 0.4");
        assertThat(anomaly.firstSampleAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:01:00Z"));
        assertThat(anomaly.lastSampleAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:01:20Z"));
    }

    @Test
    void deploymentAndRollbackCarryWhatThePostmortemNames() {
        DeploymentReported deployment = (DeploymentReported) read(example("dev.cdevents.service.upgraded.0.3.0"))
                .orElseThrow().details();
        ServiceRolledBack rollback = (ServiceRolledBack) read(example("dev.cdevents.service.rolledback.0.3.0"))
                .orElseThrow().details();

        assertThat(deployment).isEqualTo(new DeploymentReported(true, "d-0002", "2.0.0", "1.0.0", "payments", "e4f5a6b",
                "https://git.example.com/shop/checkout/commit/e4f5a6b", "ci-0002"));
        assertThat(rollback).isEqualTo(new ServiceRolledBack("rollback-0004", "2.0.0", "1.0.0",
                "error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0", "record",
                "pkg:generic/checkout@1.0.0", "executor", false));
    }

    @Test
    void rollbackOutcomesCarryDetailExecutorAttemptsAndWhereToCompleteThem() {
        String reason = "error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0";

        assertThat(read(example("dev.cdeventsx.lifeguard-rollback.failed.0.1.0")).orElseThrow().details())
                .isEqualTo(new RollbackOutcome(RollbackOutcome.Result.FAILED, "rollback-0004", "2.0.0", "1.0.0", reason,
                        "webhook", "webhook https://deploy.example.com/rollback answered 503 Service Unavailable"
                        + " (3 attempts over 1m10s)", 3, null));
        assertThat(read(example("dev.cdeventsx.lifeguard-rollback.skipped.0.1.0")).orElseThrow().details())
                .isEqualTo(new RollbackOutcome(RollbackOutcome.Result.SKIPPED, "rollback-0004", "2.0.0", "1.0.0", reason,
                        null, "deployment d-0002 is no longer current: 2.1.0 replaced it", null, null));
        assertThat(read(example("dev.cdeventsx.lifeguard-rollback.accepted.0.1.0")).orElseThrow().details())
                .isEqualTo(new RollbackOutcome(RollbackOutcome.Result.ACCEPTED, "rollback-0004", "2.0.0", "1.0.0",
                        reason, "manual", "manual rollback: roll checkout back to 1.0.0 in production, then report it",
                        null, "/api/v1/rollbacks/rollback-0004/complete"));
    }

    @Test
    void rollbackOutcomeWithoutItsDetailIsMalformedAndNamed() {
        String failed = example("dev.cdeventsx.lifeguard-rollback.failed.0.1.0").replace("\"detail\"", "\"note\"");

        assertThatThrownBy(() -> read(failed)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/detail");
    }

    @Test
    void rollbackOutcomeWithoutATargetVersionStillReads() {
        String skipped = example("dev.cdeventsx.lifeguard-rollback.skipped.0.1.0")
                .replace("\"toVersion\": \"1.0.0\"", "\"toVersion\": null");

        assertThat(((RollbackOutcome) read(skipped).orElseThrow().details()).toVersion()).isNull();
    }

    @Test
    void retiredTargetIsNoTimelineEventAndNotMalformed() {
        String removed = new ChainScenario().serviceRemoved("e-removed");

        assertThat(ChainEvent.isTimelineEvent("dev.cdevents.service.removed.0.3.0")).isFalse();
        assertThat(read(removed)).isEmpty();
    }

    @Test
    void eventTypesTheTimelineDoesNotShowAreSkipped() {
        String resolved = example("dev.cdevents.incident.resolved.0.3.0");

        assertThat(read(resolved)).isEmpty();
    }

    @Test
    void eventWithoutChainIdIsMalformed() {
        String anomaly = example("dev.cdevents.incident.detected.0.3.0")
                .replace("\"chainid\": \"0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c\",", "")
                .replace("\"chainId\": \"0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c\",", "");

        assertThatThrownBy(() -> read(anomaly)).isInstanceOf(MalformedEventException.class).hasMessageContaining("chain id");
    }

    @Test
    void missingRequiredFieldIsMalformedAndNamed() {
        String rollback = example("dev.cdevents.service.rolledback.0.3.0").replace("\"toVersion\"", "\"target\"");

        assertThatThrownBy(() -> read(rollback)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/customData/toVersion");
    }

    @Test
    void nonNumericEvidenceIsMalformed() {
        String anomaly = example("dev.cdevents.incident.detected.0.3.0").replace("0.34,", "\"high\",");

        assertThatThrownBy(() -> read(anomaly)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("observedValues");
    }

    // --- rollback-service's decisions ---

    @ParameterizedTest
    @CsvSource({
            "'', AWAITING_APPROVAL, ROLLBACK_DECIDED, mode-approval, 2026-11-26T10:01:22Z",
            "'.approved', APPROVED, ROLLBACK_DECISION_CHANGED, approved, 2026-11-26T10:04:10Z",
            "'.held', HELD, ROLLBACK_DECIDED, mode-notify-only, 2026-11-26T10:01:22Z"})
    void everyDecidedGoldenExampleMeetsItsSchemaAndIsADecisionOfItsKind(String variant, String decision,
                                                                         TimelineKind kind, String rule, String time) {
        String json = decided(variant);
        assertThat(EventContract.violations(json)).isEmpty();
        ChainEvent event = read(json).orElseThrow();

        RollbackDecided decided = (RollbackDecided) event.details();
        assertThat(decided.kind()).isEqualTo(kind);
        assertThat(event.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
        assertThat(List.of(event.service(), event.environment())).containsExactly("checkout", "production");
        assertThat(event.time()).isEqualTo(OffsetDateTime.parse(time));
        DecisionSubject subject = decided.subject();
        assertThat(subject.decisionId()).isEqualTo("rollback-0004");
        assertThat(subject.decision()).isEqualTo(decision);
        assertThat(List.of(subject.deploymentId(), subject.fromVersion(), subject.toVersion()))
                .containsExactly("d-0002", "2.0.0", "1.0.0");
        assertThat(subject.anomalyId()).isEqualTo("5a7e9c10-0003-4d2b-8f31-000000000003");
        assertThat(subject.explanation().rule()).isEqualTo(rule);
        assertThat(subject.explanation().sources()).containsExactly(
                new DecisionExplanation.PolicySource("environment", "production", null, 3));
        assertThat(subject.explanation().policyText()).startsWith("environment production v3 (mode ");
        assertThat(subject.explanation().stormGuard())
                .isEqualTo(new DecisionExplanation.StormGuard(1, 5, "PT1H", "2026-11-26T09:01:22Z"));
        assertThat(subject.explanation().trigger()).isEqualTo("anomaly");
        assertThat(subject.explanation().depth()).isEqualTo(1);
        assertThat(subject.explanation().document().path("inputs").path("stableVersion").asText()).isEqualTo("1.0.0");
    }

    @Test
    void approvedExampleSaysWhoSettledItWhyAndWhatItWas() {
        RollbackDecided approved = (RollbackDecided) read(decided(".approved")).orElseThrow().details();

        assertThat(approved.previousDecision()).isEqualTo("AWAITING_APPROVAL");
        assertThat(approved.settledBy()).isEqualTo("alice");
        assertThat(approved.settleReason()).isEqualTo("error rate is real, go");
        assertThat(approved.settledByPerson()).isTrue();
        assertThat(approved.subject().explanation().reason())
                .isEqualTo("approved by alice (\"error rate is real, go\"): roll checkout 2.0.0 back to 1.0.0");
    }

    @Test
    void decisionsToRollBackAreRecordedWithoutAnEntryOfTheirOwn() {
        String rollBack = decided(".held").replace("\"decision\": \"HELD\"", "\"decision\": \"ROLL_BACK\"");
        String manual = decided(".held").replace("\"decision\": \"HELD\"", "\"decision\": \"MANUAL\"");

        assertThat(EventContract.violations(rollBack)).isEmpty();
        assertThat(read(rollBack).orElseThrow().details().kind()).isEqualTo(TimelineKind.DECIDED_TO_ROLL_BACK);
        assertThat(read(manual).orElseThrow().details().kind()).isEqualTo(TimelineKind.DECIDED_TO_ROLL_BACK);
        assertThat(TimelineKind.isShown(TimelineKind.DECIDED_TO_ROLL_BACK.label())).isFalse();
        assertThat(TimelineKind.isShown(TimelineKind.ROLLBACK_DECIDED.label())).isTrue();
    }

    @Test
    void approvalRequestCarriesItsDeadlineAndWhatHappensOnTimeout() {
        ApprovalRequested approval = (ApprovalRequested) read(example(
                "dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0")).orElseThrow().details();

        assertThat(approval.subject().decision()).isEqualTo("AWAITING_APPROVAL");
        assertThat(approval.deadline()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:16:22Z"));
        assertThat(List.of(approval.timeout(), approval.onTimeout(), approval.escalationTeam()))
                .containsExactly("PT15M", "hold", "sre-leads");
        assertThat(approval.approveUrl()).isEqualTo("/api/v1/rollbacks/rollback-0004/approve");
        assertThat(approval.rejectUrl()).isEqualTo("/api/v1/rollbacks/rollback-0004/reject");
    }

    @Test
    void escalationAndGuardTripSayToWhomWhyAndHowMany() {
        RollbackEscalated escalated = (RollbackEscalated) read(example(
                "dev.cdeventsx.lifeguard-rollback.escalated.0.1.0")).orElseThrow().details();
        StormGuardTripped tripped = (StormGuardTripped) read(example(
                "dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0")).orElseThrow().details();

        assertThat(List.of(escalated.escalationTeam(), escalated.because(), escalated.then()))
                .containsExactly("sre-leads", "approval-timeout", "hold");
        assertThat(escalated.subject().explanation().rule()).isEqualTo("approval-timeout");
        assertThat(List.of(tripped.count(), tripped.limit())).containsExactly(5, 5);
        assertThat(List.of(tripped.window(), tripped.since())).containsExactly("PT1H", "2026-11-26T09:01:22Z");
        assertThat(tripped.subject().explanation().rule()).isEqualTo("storm-guard");
    }

    @Test
    void rollbackRequestCarriesItsDecisionAndExplanationAndDefaultsWithoutThem() {
        RollbackRequested explained = (RollbackRequested) read(example(
                "dev.cdeventsx.lifeguard-rollback.requested.0.1.0")).orElseThrow().details();
        JsonNode request = EventContract.parse(example("dev.cdeventsx.lifeguard-rollback.requested.0.1.0"));
        ((ObjectNode) request.at("/data/subject/content")).remove(List.of("decision", "explanation"));
        String bare = request.toString();
        RollbackRequested unexplained = (RollbackRequested) read(bare).orElseThrow().details();
        RollbackRequested manual = (RollbackRequested) read(example(
                "dev.cdeventsx.lifeguard-rollback.requested.0.1.0.manual")).orElseThrow().details();

        assertThat(explained.decisionOrDefault()).isEqualTo("ROLL_BACK");
        assertThat(explained.explanation().rule()).isEqualTo("mode-auto");
        assertThat(explained.explanation().sources()).isEmpty();
        assertThat(explained.explanation().policyText()).isEqualTo("no stored policy (defaults, mode auto)");
        assertThat(unexplained.explanation()).isNull();
        assertThat(unexplained.decision()).isNull();
        assertThat(unexplained.decisionOrDefault()).isEqualTo("ROLL_BACK");
        assertThat(manual.decisionOrDefault()).isEqualTo("MANUAL");
    }

    @Test
    void decisionEventsMissingWhatTheTimelineTellsAreMalformedAndNamed() {
        String unknownDecision = decided("").replace("\"decision\": \"AWAITING_APPROVAL\"", "\"decision\": \"MAYBE\"");
        String noReason = decided("").replaceFirst("\"reason\": \"policy production v3[^\n]*\n", "");
        String badDeadline = example("dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0")
                .replace("\"deadline\": \"2026-11-26T10:16:22Z\"", "\"deadline\": \"in 15 minutes\"");
        String tripped = example("dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0");
        int count = tripped.lastIndexOf("\"count\": 5,");
        String noCount = tripped.substring(0, count) + tripped.substring(count + "\"count\": 5,".length());
        String noThen = example("dev.cdeventsx.lifeguard-rollback.escalated.0.1.0").replace("\"then\": \"hold\"",
                "\"next\": \"hold\"");

        assertThatThrownBy(() -> read(unknownDecision)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/decision").hasMessageContaining("'MAYBE'");
        assertThatThrownBy(() -> read(noReason)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/explanation/reason");
        assertThatThrownBy(() -> read(badDeadline)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/approval/deadline");
        assertThatThrownBy(() -> read(noCount)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/count");
        assertThatThrownBy(() -> read(noThen)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/then");
    }

    static String decided(String variant) {
        return EventContract.read(EventContract.contractsDirectory().resolve("examples")
                .resolve("dev.cdeventsx.lifeguard-rollback.decided.0.1.0" + variant + ".json"));
    }

    @Test
    void invalidServiceNameIsMalformed() {
        String notification = example("dev.cdeventsx.lifeguard-notification.published.0.1.0")
                .replace("\"service\": \"checkout\"", "\"service\": \"check out/../x\"");

        assertThatThrownBy(() -> read(notification)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("service");
    }

    @Test
    void targetFallsBackToTheCloudEventSubject() {
        String rollbackRequest = example("dev.cdeventsx.lifeguard-rollback.requested.0.1.0")
                .replace("\"service\": \"checkout\",", "")
                .replace("\"environment\": \"production\",", "");

        ChainEvent event = read(rollbackRequest).orElseThrow();

        assertThat(List.of(event.service(), event.environment())).containsExactly("checkout", "production");
    }

    static String example(String type) {
        return EventContract.read(EventContract.examples(type).get(0));
    }

    static Optional<ChainEvent> read(String json) {
        return ChainEvent.read(READER.read(json, null));
    }
}
