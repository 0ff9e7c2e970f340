package dev.lifeguard.rollback.policy.stableversion;

import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.TrackedDeployment;
import dev.lifeguard.rollback.event.AnomalyDetectedEvent;
import dev.lifeguard.rollback.policy.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class RollBackToStableVersionPolicyTest {

    private static final String EVIDENCE = "error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0";
    private static final AnomalyDetectedEvent ANOMALY = new AnomalyDetectedEvent("event-3", "chain-1", "anomaly-3",
            "d-2", "checkout", "production", "2.0.0", "error_rate", 0.05, List.of(0.21, 0.34, 0.4), null, null, null);

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("running with a stable version", deployment(DeploymentStatus.RUNNING, "1.0.0"),
                        Decision.ROLL_BACK, "1.0.0", EVIDENCE),
                arguments("running without a stable version", deployment(DeploymentStatus.RUNNING, null),
                        Decision.SKIPPED, null, "no stable version to roll back to; " + EVIDENCE),
                arguments("superseded by a newer deployment", deployment(DeploymentStatus.SUPERSEDED, "1.0.0"),
                        Decision.SKIPPED, null,
                        "deployment d-2 is not running any more (a newer deployment replaced it); " + EVIDENCE),
                arguments("rolled back already", rolledBack("1.0.0"),
                        Decision.SKIPPED, null, "deployment d-2 was rolled back already (to 1.0.0); " + EVIDENCE),
                arguments("rolled back already, target not recorded", rolledBack(null),
                        Decision.SKIPPED, null, "deployment d-2 was rolled back already; " + EVIDENCE),
                arguments("stable version is the failing one", deployment(DeploymentStatus.RUNNING, "2.0.0"),
                        Decision.SKIPPED, null, "the stable version 2.0.0 is the failing version; " + EVIDENCE),
                arguments("deployment never seen", null,
                        Decision.SKIPPED, null, "anomaly for unknown deployment d-2; " + EVIDENCE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(String situation, TrackedDeployment deployment, Decision decision, String toVersion, String reason) {
        Verdict verdict = new RollBackToStableVersionPolicy().decide(ANOMALY.failure(), deployment);

        assertThat(verdict.decision()).isEqualTo(decision);
        assertThat(verdict.toVersion()).isEqualTo(toVersion);
        assertThat(verdict.reason()).isEqualTo(reason);
    }

    @org.junit.jupiter.api.Test
    void aRestoredVersionThatFailsAgainGetsItsOwnStableVersionAsTarget() {
        // the depth guard (service/DecisionRules) decides whether it is rolled back; the target selection only
        // names where it would go back to
        AnomalyDetectedEvent relapse = new AnomalyDetectedEvent("event-9", "chain-1", "anomaly-9", "d-1", "checkout",
                "production", "1.0.0", "error_rate", 0.05, List.of(0.3, 0.4, 0.5), null, null, "rollback-4");
        TrackedDeployment restored = deployment(DeploymentStatus.RUNNING, "0.9.0");
        restored.deploymentId = "d-1";
        restored.version = "1.0.0";

        Verdict verdict = new RollBackToStableVersionPolicy().decide(relapse.failure(), restored);

        assertThat(verdict.decision()).isEqualTo(Decision.ROLL_BACK);
        assertThat(verdict.toVersion()).isEqualTo("0.9.0");
    }

    @org.junit.jupiter.api.Test
    void aCanaryWhoseStepFailedGoesBackToTheStableVersionAtOnceSaidInWords() {
        AnomalyDetectedEvent ofStep = stepAnomaly(1);
        TrackedDeployment canary = rollingOut("canary", 1, 10);

        Verdict verdict = new RollBackToStableVersionPolicy().decide(ofStep.failure(), canary);

        assertThat(verdict.decision()).isEqualTo(Decision.ROLL_BACK);
        assertThat(verdict.toVersion()).isEqualTo("1.0.0");
        assertThat(verdict.reason()).isEqualTo("canary 2.0.0 failed its analysis at step 2 (10% of traffic): all traffic"
                + " goes back to 1.0.0; " + EVIDENCE);
    }

    @org.junit.jupiter.api.Test
    void aBlueGreenPreviewThatFailedGoesBackSaidAsAPreviewWithoutTraffic() {
        Verdict verdict = new RollBackToStableVersionPolicy().decide(stepAnomaly(1).failure(), rollingOut("blue-green", 1, 0));

        assertThat(verdict.decision()).isEqualTo(Decision.ROLL_BACK);
        assertThat(verdict.reason()).startsWith("blue-green 2.0.0 failed its preview analysis at step 2 (no traffic on it"
                + " yet): all traffic goes back to 1.0.0; ");
    }

    @org.junit.jupiter.api.Test
    void aRolloutWithoutAnotherVersionBesideItIsSkipped() {
        TrackedDeployment alone = rollingOut("canary", 1, 10);
        alone.stableVersion = null;

        Verdict verdict = new RollBackToStableVersionPolicy().decide(stepAnomaly(1).failure(), alone);

        assertThat(verdict.decision()).isEqualTo(Decision.SKIPPED);
        assertThat(verdict.reason()).startsWith("canary 2.0.0 failed its analysis at step 2 (10% of traffic), but no "
                + "other version runs beside it to go back to; ");
    }

    private static AnomalyDetectedEvent stepAnomaly(int step) {
        return new AnomalyDetectedEvent("event-5", "chain-1", "anomaly-5", "d-2", "checkout", "production", "2.0.0",
                "error_rate", 0.05, List.of(0.21, 0.34, 0.4), null, null, null, step);
    }

    private static TrackedDeployment rollingOut(String strategy, int step, int weight) {
        TrackedDeployment deployment = deployment(DeploymentStatus.ROLLING_OUT, "1.0.0");
        deployment.rolloutStrategy = strategy;
        deployment.rolloutStep = step;
        deployment.rolloutWeight = weight;
        return deployment;
    }

    private static TrackedDeployment deployment(DeploymentStatus status, String stableVersion) {
        TrackedDeployment deployment = new TrackedDeployment();
        deployment.deploymentId = "d-2";
        deployment.service = "checkout";
        deployment.environment = "production";
        deployment.version = "2.0.0";
        deployment.stableVersion = stableVersion;
        deployment.status = status;
        return deployment;
    }

    private static TrackedDeployment rolledBack(String toVersion) {
        TrackedDeployment deployment = deployment(DeploymentStatus.ROLLED_BACK, "1.0.0");
        deployment.rolledBackTo = toVersion;
        return deployment;
    }
}
