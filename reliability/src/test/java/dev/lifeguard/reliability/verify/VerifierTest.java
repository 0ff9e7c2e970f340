package dev.lifeguard.reliability.verify;

import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.reliability.Topology;
import dev.lifeguard.reliability.client.Http;
import dev.lifeguard.reliability.fault.FaultLog;
import dev.lifeguard.reliability.webhook.WebhookRecorder;
import dev.lifeguard.reliability.workload.Inputs;
import dev.lifeguard.reliability.workload.InputsFixture;
import dev.lifeguard.reliability.workload.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The judging half of the suite on hand-made observations: each check must be able to fail, and say why. */
class VerifierTest {

    private static final String RUN = "t0001";
    private static final Target HEALTHY = Target.of(RUN, 0);
    private static final Target FAILING = Target.of(RUN, 1);
    private static final Observation.Verdict SUPERSEDED_V1_OF_HEALTHY =
            new Observation.Verdict("verdict-h1", "d-0a", "1.0.0", "inconclusive", "superseded");
    private static final Observation.Verdict SUPERSEDED_V1_OF_FAILING =
            new Observation.Verdict("verdict-f1", "d-1a", "1.0.0", "inconclusive", "superseded");
    private static final Observation.Verdict FAILED_V2 =
            new Observation.Verdict("verdict-f2", "d-1b", "2.0.0", "failed", "failure");

    @TempDir
    Path home;

    private final Inputs inputs = new Inputs();
    private WebhookRecorder webhook;
    private Verifier verifier;

    @BeforeEach
    void ledger() {
        InputsFixture.acknowledged(inputs, HEALTHY, "chain-0");
        InputsFixture.acknowledged(inputs, FAILING, "chain-1");
        inputs.malformedAcked(new Inputs.Malformed(Topology.ROLLBACKS, "chaos-" + RUN + "-m1", "not JSON"));
        webhook = new WebhookRecorder("/hooks/sre");
        Platform platform = Platform.attach(PlatformSettings.defaults(home).withHome(home), line -> { });
        verifier = new Verifier(platform, new Http(Duration.ofSeconds(1)), RUN, inputs, new FaultLog(System.nanoTime()),
                webhook);
    }

    @AfterEach
    void close() {
        verifier.close();
        webhook.close();
    }

    @Test
    void aPlatformThatDidEverythingOncePassesEveryCheckAboutTheWorkload() {
        List<Check> checks = verifier.checks(new Builder().build(), Duration.ofSeconds(12), Duration.ofMinutes(3));

        assertThat(checks).filteredOn(check -> !check.name().startsWith("faults") && !check.name().startsWith("workload"))
                .allSatisfy(check -> assertThat(check.failed()).as(check.toString()).isFalse());
        assertThat(check(checks, "converged").actual()).isEqualTo("after 12 s");
    }

    @Test
    void aSecondRollbackOrDecisionFailsAndIsNotWaitedFor() {
        Builder platform = new Builder();
        platform.failing = withRollbacks(platform.failing, 2, List.of("ROLL_BACK", "ROLL_BACK"));

        List<Check> checks = verifier.checks(platform.build(), null, Duration.ofMinutes(3));

        Check executed = check(checks, "failing: executed rollbacks");
        assertThat(executed.failed()).isTrue();
        assertThat(executed.awaited()).isFalse();
        assertThat(executed.details()).singleElement().asString().startsWith(FAILING.service() + ": 2");
        assertThat(check(checks, "failing: ROLL_BACK decisions").failed()).isTrue();
    }

    @Test
    void aSkippedDecisionIsNotARollback() {
        Builder platform = new Builder();
        platform.failing = withRollbacks(platform.failing, 1, List.of("SKIPPED"));

        Check decisions = check(verifier.checks(platform.build(), null, Duration.ofMinutes(3)),
                "failing: ROLL_BACK decisions");

        assertThat(decisions.failed()).isTrue();
        assertThat(decisions.details()).singleElement().asString().contains("decisions [SKIPPED]");
    }

    @Test
    void aMissingRollbackIsWaitedFor() {
        Builder platform = new Builder();
        platform.failing = withRollbacks(platform.failing, 0, List.of());

        Check executed = check(verifier.checks(platform.build(), null, Duration.ofMinutes(3)),
                "failing: executed rollbacks");

        assertThat(executed.failed()).isTrue();
        assertThat(executed.awaited()).isTrue();
    }

    @Test
    void oneEventUnderTwoIdempotencyKeysIsAChatMessageDeliveredTwiceButOneKeyTwiceIsOnlyAReSend() {
        Builder platform = new Builder();
        platform.posts.add(post("key-2", "rolledback-1", "dev.cdevents.service.rolledback.0.3.0", FAILING));
        platform.posts.add(post("key-3", "deployed-0", "dev.cdevents.service.deployed.0.3.0", HEALTHY));
        platform.posts.add(post("key-3", "deployed-0", "dev.cdevents.service.deployed.0.3.0", HEALTHY));

        List<Check> checks = verifier.checks(platform.build(), null, Duration.ofMinutes(3));

        assertThat(check(checks, "chat: no message delivered twice").failed()).isTrue();
        assertThat(check(checks, "chat: no message delivered twice").details()).singleElement().asString()
                .contains("rolledback-1");
        Check resends = check(checks, "chat: HTTP re-sends");
        assertThat(resends.result()).isEqualTo(Check.Result.INFO);
        assertThat(resends.actual()).isEqualTo("1 re-sends");
    }

    @Test
    void aValidRecordInADlqOrPoisonMissingFromOneGroupFails() {
        Builder platform = new Builder();
        platform.deadLetters.remove(2);
        platform.deadLetters.add(new Observation.DeadLetter("lifeguard.deployments.dlq", Topology.DEPLOYMENTS,
                "lifeguard-notify-service", null, "lock timeout", "{\"specversion\":\"1.0\",\"id\":\"e1\"}"));

        List<Check> checks = verifier.checks(platform.build(), null, Duration.ofMinutes(3));

        assertThat(check(checks, "DLQ: no valid record").failed()).isTrue();
        Check deadLettered = check(checks, "acked ⊆ consumed: malformed");
        assertThat(deadLettered.failed()).isTrue();
        assertThat(deadLettered.details()).singleElement().asString().contains("lifeguard-postmortem-service");
    }

    @Test
    void aSampleCountedMoreOftenThanItWasSentFails() {
        Builder platform = new Builder();
        Observation.TargetView healthy = platform.healthy;
        platform.healthy = new Observation.TargetView(true, healthy.currentVersion(), healthy.status(), healthy.history(),
                healthy.analysedVersion(), healthy.analysisStatus(), 5, 0, List.of(), List.of(), 0, List.of(),
                healthy.verdicts());

        Check samples = check(verifier.checks(platform.build(), null, Duration.ofMinutes(3)), "acked ⊆ consumed: error");

        assertThat(samples.failed()).isTrue();
        assertThat(samples.details()).singleElement().asString().contains("4 acked, 4 sent, monitor counts 5");
    }

    @Test
    void aLateSampleThatTheFailedAnalysisDidNotCountIsMissing() {
        Builder platform = new Builder();
        Observation.TargetView failing = platform.failing;
        platform.failing = new Observation.TargetView(true, failing.currentVersion(), failing.status(), failing.history(),
                failing.analysedVersion(), failing.analysisStatus(), 3, failing.executedRollbacks(),
                failing.rollbackRows(), failing.decisions(), failing.anomalies(), failing.incidents(), failing.verdicts());

        Check samples = check(verifier.checks(platform.build(), null, Duration.ofMinutes(3)), "acked ⊆ consumed: error");

        assertThat(samples.failed()).isTrue();
        assertThat(samples.details()).singleElement().asString().contains("4 acked, 4 sent, monitor counts 3 for 2.0.0");
    }

    @Test
    void aDeploymentJudgedTwiceFailsAndIsNotWaitedFor() {
        Builder platform = new Builder();
        platform.failing = withVerdicts(platform.failing, List.of(SUPERSEDED_V1_OF_FAILING, FAILED_V2,
                new Observation.Verdict("verdict-again", "d-1b", "2.0.0", "failed", "failure")));

        List<Check> checks = verifier.checks(platform.build(), null, Duration.ofMinutes(3));

        Check once = check(checks, "nothing judged twice");
        assertThat(once.failed()).isTrue();
        assertThat(once.awaited()).isFalse();
        assertThat(once.actual()).isEqualTo("4 verdicts of 3 analyses, 1 judged twice");
        assertThat(once.details()).singleElement().asString().startsWith(FAILING.service() + " deployment d-1b: 2");
        assertThat(check(checks, "failing: FAILED verdicts").failed()).isTrue();
    }

    @Test
    void theRestoredDeploymentsAnalysisAfterTheRollbackIsNotAJudgementTwice() {
        Builder platform = new Builder();
        platform.failing = withVerdicts(platform.failing, List.of(SUPERSEDED_V1_OF_FAILING, FAILED_V2,
                new Observation.Verdict("verdict-f3", "d-1a", "1.0.0", "passed", "window", "rollback-1")));

        Check once = check(verifier.checks(platform.build(), null, Duration.ofMinutes(3)), "nothing judged twice");

        assertThat(once.failed()).isFalse();
        assertThat(once.actual()).isEqualTo("4 verdicts of 4 analyses, 0 judged twice");
    }

    @Test
    void aFailingTargetWithoutAFailedVerdictIsWaitedForAndAHealthyOneWithOneFails() {
        Builder platform = new Builder();
        platform.failing = withVerdicts(platform.failing, List.of(SUPERSEDED_V1_OF_FAILING));
        platform.healthy = withVerdicts(platform.healthy, List.of(SUPERSEDED_V1_OF_HEALTHY,
                new Observation.Verdict("verdict-h2", "d-0b", "2.0.0", "failed", "failure")));

        List<Check> checks = verifier.checks(platform.build(), null, Duration.ofMinutes(3));

        Check failed = check(checks, "failing: FAILED verdicts");
        assertThat(failed.failed()).isTrue();
        assertThat(failed.awaited()).isTrue();
        Check healthy = check(checks, "healthy: v2's analysis RUNNING");
        assertThat(healthy.failed()).isTrue();
        assertThat(healthy.awaited()).isFalse();
        assertThat(check(checks, "nothing judged twice").failed()).isFalse();
    }

    private static Observation.TargetView withVerdicts(Observation.TargetView view, List<Observation.Verdict> verdicts) {
        return new Observation.TargetView(true, view.currentVersion(), view.status(), view.history(),
                view.analysedVersion(), view.analysisStatus(), view.analysedSamples(), view.executedRollbacks(),
                view.rollbackRows(), view.decisions(), view.anomalies(), view.incidents(), verdicts);
    }

    private static Check check(List<Check> checks, String prefix) {
        return checks.stream().filter(check -> check.name().startsWith(prefix)).findFirst().orElseThrow();
    }

    private static Observation.TargetView withRollbacks(Observation.TargetView view, int executed,
                                                        List<String> decisions) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < executed; i++) {
            rows.add("EXECUTED");
        }
        return new Observation.TargetView(true, view.currentVersion(), view.status(), view.history(),
                view.analysedVersion(), view.analysisStatus(), view.analysedSamples(), executed, rows, decisions,
                view.anomalies(), view.incidents(), view.verdicts());
    }

    private static WebhookRecorder.Post post(String key, String eventId, String type, Target target) {
        return new WebhookRecorder.Post("/hooks/sre", key, eventId, type, target.key(), Instant.now());
    }

    /** An observation of a platform that did everything exactly once; tests break one thing. */
    private static final class Builder {

        Observation.TargetView healthy = new Observation.TargetView(true, "2.0.0", "DEPLOYED",
                List.of(new Observation.Deployment("2.0.0", "RUNNING", "chain-0"),
                        new Observation.Deployment("1.0.0", "SUPERSEDED", "other")),
                "2.0.0", "RUNNING", 4, 0, List.of(), List.of(), 0, List.of(), List.of(SUPERSEDED_V1_OF_HEALTHY));
        Observation.TargetView failing = new Observation.TargetView(true, "1.0.0", "ROLLED_BACK",
                List.of(new Observation.Deployment("2.0.0", "ROLLED_BACK", "chain-1"),
                        new Observation.Deployment("1.0.0", "RUNNING", "other")),
                "2.0.0", "FAILED", 4, 1, List.of("EXECUTED"), List.of("ROLL_BACK"), 1, List.of("RESOLVED 2.0.0→1.0.0"),
                List.of(SUPERSEDED_V1_OF_FAILING, FAILED_V2));
        final List<Observation.DeadLetter> deadLetters = new ArrayList<>();
        final List<WebhookRecorder.Post> posts = new ArrayList<>();

        Builder() {
            for (String group : Topology.READERS.get(Topology.ROLLBACKS)) {
                deadLetters.add(new Observation.DeadLetter("lifeguard.rollbacks.dlq", Topology.ROLLBACKS, group,
                        "chaos-" + RUN + "-m1", "value is not JSON", "{not json chaos-" + RUN + "-m1"));
            }
            posts.add(post("key-1", "rolledback-1", "dev.cdevents.service.rolledback.0.3.0", FAILING));
        }

        Observation build() {
            Map<String, Observation.TargetView> targets = new HashMap<>();
            targets.put(HEALTHY.service(), healthy);
            targets.put(FAILING.service(), failing);
            Map<String, Integer> pending = new LinkedHashMap<>();
            Map<String, List<String>> parked = new LinkedHashMap<>();
            for (String service : List.of("deploy-service", "monitor-service", "rollback-service", "notify-service",
                    "postmortem-service")) {
                pending.put(service, 0);
                parked.put(service, List.of());
            }
            Map<String, Long> lag = new LinkedHashMap<>();
            Topology.groups().forEach(group -> lag.put(group, 0L));
            return new Observation(targets, List.copyOf(deadLetters), pending, parked, 0, lag, List.copyOf(posts));
        }
    }
}
