package dev.lifeguard.postmortem.report;

import dev.lifeguard.postmortem.FixDeployment;
import dev.lifeguard.postmortem.Incident;
import dev.lifeguard.postmortem.IncidentFix;
import dev.lifeguard.postmortem.IncidentStatus;
import dev.lifeguard.postmortem.TimelineEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PostmortemRendererTest {

    @Test
    void rendersAResolvedIncidentWithEverySection() {
        String markdown = PostmortemRenderer.render(resolvedIncident(), timeline());

        assertThat(markdown).isEqualTo("""
                # Post-mortem: checkout 2.0.0 in production

                _Draft written by Lifeguard for incident `inc-1` (chain `chain-1`), status RESOLVED._

                ## Summary

                checkout 2.0.0 was deployed to production at 2026-11-26 10:00:00 UTC. Lifeguard detected an anomaly at \
                2026-11-26 10:01:21 UTC: error_rate > 0.05 for 3 consecutive samples (observed 0.21, 0.34, 0.4). \
                Lifeguard rolled back from 2.0.0 to 1.0.0 at 2026-11-26 10:01:23 UTC; the impact lasted 23s.

                ## Impact window

                - Start: 2026-11-26 10:01:00 UTC (first bad sample)
                - End: 2026-11-26 10:01:23 UTC (rollback to 1.0.0)
                - Duration: 23s

                ## Timeline

                | Time | Event | Summary |
                |---|---|---|
                | 2026-11-26 10:00:00 UTC | deployment | checkout upgraded from 1.0.0 to 2.0.0 in production |
                | 2026-11-26 10:01:21 UTC | anomaly | Anomaly on checkout 2.0.0 in production: error_rate \\| latency |
                | 2026-11-26 10:01:21 UTC | analysis | Analysis of checkout 2.0.0 in production failed: error_rate above 0.05 \
                for 3 consecutive samples (threshold, statistic 0.4) |
                | 2026-11-26 10:01:23 UTC | rollback | checkout rolled back from 2.0.0 to 1.0.0 in production |

                ## Trigger

                - Version: 2.0.0
                - Previous version: 1.0.0
                - Deployment: `d-0002`
                - Deployed at: 2026-11-26 10:00:00 UTC
                - Commit: `e4f5a6b`
                - Change: <https://git.example.com/shop/checkout/commit/e4f5a6b>
                - Team: payments
                - CI event: `ci-0002`

                ## Detection

                - Rule: error_rate > 0.05 for 3 consecutive samples
                - Metric: error_rate
                - Threshold: 0.05
                - Observed values: 0.21, 0.34, 0.4
                - First bad sample: 2026-11-26 10:01:00 UTC
                - Last bad sample: 2026-11-26 10:01:20 UTC
                - Detected at: 2026-11-26 10:01:21 UTC
                - Anomaly: `anomaly-0003`

                ## Resolution

                - Rollback: from 2.0.0 to 1.0.0 at 2026-11-26 10:01:23 UTC
                - Reason: error_rate above 0.05 for 3 consecutive samples
                - Executor: record
                - Rollback decision: `rollback-0004`

                ## Root cause

                _To be completed by the team._

                ## Action items

                - [ ] ...
                """);
    }

    @Test
    void anOpenIncidentGetsADraftThatSaysItIsNotResolved() {
        Incident incident = resolvedIncident();
        incident.status = IncidentStatus.OPEN;
        incident.restoredVersion = null;
        incident.resolvedAt = null;
        incident.rollbackId = null;
        incident.firstBadSampleAt = null;
        incident.deploymentEventId = null;
        incident.commit = null;

        String markdown = PostmortemRenderer.render(incident, timeline().subList(0, 2));

        assertThat(markdown)
                .startsWith("# Post-mortem: checkout 2.0.0 in production\n")
                .contains("status OPEN")
                .contains("The incident is not resolved yet: no rollback has been reported.")
                .contains("- Start: 2026-11-26 10:01:21 UTC (anomaly detected)\n- End: ongoing, not resolved yet\n")
                .contains("The deployment event of this chain has not been received.")
                .contains("- Commit: unknown\n")
                .contains("## Resolution\n\nNot resolved yet: no rollback has been reported for this chain.\n")
                .contains("## Root cause", "## Action items")
                .doesNotContain("rollback decision");
    }

    @Test
    void anIncidentWhoseRollbackFailedStaysOpenAndSaysTheFailingVersionStillRuns() {
        Incident incident = openIncident();
        incident.rollbackOutcome = "failed";
        incident.rollbackOutcomeAt = OffsetDateTime.parse("2026-11-26T10:01:22Z");
        incident.rollbackOutcomeAttempts = 3;
        incident.rollbackOutcomeExecutor = "webhook";
        incident.rollbackOutcomeDetail = "webhook https://deploy.example.com/rollback answered 503 Service Unavailable";

        String markdown = PostmortemRenderer.render(incident, timeline().subList(0, 2));

        assertThat(markdown)
                .contains("status OPEN")
                .contains("The rollback to 1.0.0 FAILED at 2026-11-26 10:01:22 UTC after 3 attempts: webhook"
                        + " https://deploy.example.com/rollback answered 503 Service Unavailable. checkout 2.0.0 still"
                        + " runs in production: the incident stays open until it is rolled back or fixed.\n")
                .contains("- End: ongoing: the rollback failed at 2026-11-26 10:01:22 UTC, 2.0.0 still runs\n")
                .contains("""
                        ## Resolution

                        Not resolved: the rollback failed and 2.0.0 still runs in production.

                        - Rollback: from 2.0.0 to 1.0.0, failed at 2026-11-26 10:01:22 UTC
                        - Detail: webhook https://deploy.example.com/rollback answered 503 Service Unavailable
                        - Attempts: 3
                        - Executor: webhook
                        - Reason: error_rate above 0.05 for 3 consecutive samples
                        - Rollback decision: `rollback-0004`
                        """)
                .doesNotContain("rolled back from 2.0.0 to 1.0.0 at");
    }

    @Test
    void aSkippedRollbackSaysWhyItWasNotCarriedOut() {
        Incident incident = openIncident();
        incident.rollbackOutcome = "skipped";
        incident.rollbackOutcomeAt = OffsetDateTime.parse("2026-11-26T10:01:22Z");
        incident.rollbackOutcomeDetail = "deployment d-0002 is no longer current: 2.1.0 replaced it";

        assertThat(PostmortemRenderer.render(incident, timeline().subList(0, 2)))
                .contains("The rollback was not carried out (2026-11-26 10:01:22 UTC): deployment d-0002 is no longer"
                        + " current: 2.1.0 replaced it. The incident is not resolved")
                .contains("Not resolved: the rollback was not carried out.\n\n- Rollback: from 2.0.0 to 1.0.0, not"
                        + " carried out at 2026-11-26 10:01:22 UTC\n")
                .contains("- Executor: none\n")
                .doesNotContain("- Attempts:");
    }

    @Test
    void anAcceptedRollbackSaysItWaitsAndWhereToReportItDone() {
        Incident incident = openIncident();
        incident.rollbackOutcome = "accepted";
        incident.rollbackOutcomeAt = OffsetDateTime.parse("2026-11-26T10:01:22Z");
        incident.rollbackOutcomeExecutor = "manual";
        incident.rollbackOutcomeDetail = "manual rollback: roll checkout back to 1.0.0 in production, then report it";
        incident.rollbackCompleteUrl = "/api/v1/rollbacks/rollback-0004/complete";

        assertThat(PostmortemRenderer.render(incident, timeline().subList(0, 2)))
                .contains("The rollback to 1.0.0 was accepted at 2026-11-26 10:01:22 UTC (executor manual) and waits"
                        + " for completion: manual rollback: roll checkout back to 1.0.0 in production, then report it.")
                .contains("- End: ongoing: the rollback was accepted at 2026-11-26 10:01:22 UTC and waits for completion")
                .contains("- Complete with: `POST /api/v1/rollbacks/rollback-0004/complete`\n");
    }

    @Test
    void aRollbackReportedByCiAfterAFailedAttemptSaysBoth() {
        Incident incident = resolvedIncident();
        incident.rolledBackBy = "ci";
        incident.rollbackExecutor = null;
        incident.rollbackOutcome = "failed";
        incident.rollbackOutcomeAt = OffsetDateTime.parse("2026-11-26T10:01:22Z");
        incident.rollbackOutcomeAttempts = 3;
        incident.rollbackOutcomeDetail = "webhook answered 503";

        assertThat(PostmortemRenderer.render(incident, timeline()))
                .contains("checkout was rolled back from 2.0.0 to 1.0.0 outside Lifeguard, with a CD tool (reported by"
                        + " CI), at 2026-11-26 10:01:23 UTC; the impact lasted 23s. A rollback attempt failed at"
                        + " 2026-11-26 10:01:22 UTC: webhook answered 503.\n")
                .contains("- Executor: none\n- Reported by: CI: someone rolled back with their CD tool, outside"
                        + " Lifeguard\n")
                .contains("- Other rollback outcome: failed at 2026-11-26 10:01:22 UTC after 3 attempts: webhook"
                        + " answered 503\n");
    }

    @Test
    void aRollbackReportedByAPersonSaysItWasDoneByHand() {
        Incident incident = resolvedIncident();
        incident.rolledBackBy = "person";

        assertThat(PostmortemRenderer.render(incident, timeline()))
                .contains("checkout was rolled back by hand from 2.0.0 to 1.0.0 (reported by a person) at 2026-11-26"
                        + " 10:01:23 UTC")
                .contains("- Reported by: a person, who rolled back by hand\n");
    }

    /** The incident of the golden chain, its rollback not done: what each outcome is added to. */
    @Test
    void actionItemsListEachFixWithItsOutcomeAndCheckOnlyAVerifiedOne() {
        FixDeployment verified = fix("d-0003", "2.0.1");
        verified.deployedAt = OffsetDateTime.parse("2026-11-26T11:04:02Z");
        verified.verifiedAt = OffsetDateTime.parse("2026-11-26T11:20:00Z");
        verified.verifiedBy = FixDeployment.VERIFIED_BY_PROMOTION;
        FixDeployment failed = fix("d-0004", "2.0.2");
        failed.deployedAt = OffsetDateTime.parse("2026-11-26T12:00:00Z");
        failed.failedAt = OffsetDateTime.parse("2026-11-26T12:09:03Z");
        failed.failedBy = FixDeployment.FAILED_BY_ABORT;
        failed.failureReason = "analysis of step 2 failed";
        FixDeployment linked = fix("d-0005", "2.0.3");
        Map<IncidentFix, FixDeployment> fixes = new LinkedHashMap<>();
        fixes.put(IncidentFix.of("inc-1", "d-0003", IncidentFix.EXPLICIT, verified.verifiedAt), verified);
        fixes.put(IncidentFix.of("inc-1", "d-0004", IncidentFix.CANDIDATE, failed.failedAt), failed);
        fixes.put(IncidentFix.of("inc-1", "d-0005", IncidentFix.EXPLICIT, failed.failedAt), linked);

        String markdown = PostmortemRenderer.render(resolvedIncident(), timeline(), fixes);

        assertThat(markdown).endsWith("""
                ## Action items

                - [x] Fix: checkout 2.0.1 (deployment `d-0003`, linked explicit: named as the fix by its deployment): \
                verified at 2026-11-26 11:20:00 UTC (its rollout was promoted to all traffic)
                - [ ] Fix: checkout 2.0.2 (deployment `d-0004`, linked candidate: the first deployment of checkout after \
                the incident): FAILED at 2026-11-26 12:09:03 UTC (its rollout was aborted: analysis of step 2 failed): a \
                fix is still needed
                - [ ] Fix: checkout 2.0.3 (deployment `d-0005`, linked explicit: named as the fix by its deployment): \
                linked, not deployed yet
                - [ ] ...
                """);
    }

    private static FixDeployment fix(String deploymentId, String version) {
        FixDeployment fix = new FixDeployment();
        fix.deploymentId = deploymentId;
        fix.service = "checkout";
        fix.environment = "production";
        fix.version = version;
        return fix;
    }

    private static Incident openIncident() {
        Incident incident = resolvedIncident();
        incident.status = IncidentStatus.OPEN;
        incident.restoredVersion = null;
        incident.resolvedAt = null;
        incident.rollbackId = null;
        incident.resolutionReason = null;
        incident.rollbackExecutor = null;
        incident.rollbackOutcomeRollbackId = "rollback-0004";
        incident.rollbackOutcomeFromVersion = "2.0.0";
        incident.rollbackOutcomeToVersion = "1.0.0";
        incident.rollbackOutcomeReason = "error_rate above 0.05 for 3 consecutive samples";
        return incident;
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "23, 23s", "60, 1m 0s", "125, 2m 5s", "3723, 1h 2m 3s", "-5, 0s"})
    void durationsReadLikePeopleWriteThem(long seconds, String expected) {
        OffsetDateTime start = OffsetDateTime.parse("2026-11-26T10:00:00Z");

        assertThat(PostmortemRenderer.duration(start, start.plusSeconds(seconds))).isEqualTo(expected);
    }

    private static Incident resolvedIncident() {
        Incident incident = new Incident();
        incident.id = "inc-1";
        incident.chainId = "chain-1";
        incident.service = "checkout";
        incident.environment = "production";
        incident.status = IncidentStatus.RESOLVED;
        incident.triggerVersion = "2.0.0";
        incident.openedAt = OffsetDateTime.parse("2026-11-26T10:01:21Z");
        incident.deploymentEventId = "ev-deploy";
        incident.deploymentId = "d-0002";
        incident.deployedAt = OffsetDateTime.parse("2026-11-26T11:00:00+01:00");
        incident.previousVersion = "1.0.0";
        incident.commit = "e4f5a6b";
        incident.changeUrl = "https://git.example.com/shop/checkout/commit/e4f5a6b";
        incident.team = "payments";
        incident.ciEventId = "ci-0002";
        incident.anomalyEventId = "ev-anomaly";
        incident.anomalyId = "anomaly-0003";
        incident.detectionRule = "error_rate > 0.05 for 3 consecutive samples";
        incident.detectionMetric = "error_rate";
        incident.detectionThreshold = 0.05;
        incident.observedValues = "0.21, 0.34, 0.4";
        incident.firstBadSampleAt = OffsetDateTime.parse("2026-11-26T10:01:00Z");
        incident.lastBadSampleAt = OffsetDateTime.parse("2026-11-26T10:01:20Z");
        incident.rollbackEventId = "ev-rollback";
        incident.rollbackId = "rollback-0004";
        incident.restoredVersion = "1.0.0";
        incident.resolutionReason = "error_rate above 0.05 for 3 consecutive samples";
        incident.rollbackExecutor = "record";
        incident.resolvedAt = OffsetDateTime.parse("2026-11-26T10:01:23Z");
        return incident;
    }

    private static List<TimelineEntry> timeline() {
        return List.of(
                entry("2026-11-26T10:00:00Z", "deployment", "checkout upgraded from 1.0.0 to 2.0.0 in production"),
                entry("2026-11-26T10:01:21Z", "anomaly", "Anomaly on checkout 2.0.0 in production: error_rate | latency"),
                entry("2026-11-26T10:01:21Z", "analysis", "Analysis of checkout 2.0.0 in production failed: error_rate"
                        + " above 0.05 for 3 consecutive samples (threshold, statistic 0.4)"),
                entry("2026-11-26T10:01:23Z", "rollback", "checkout rolled back from 2.0.0 to 1.0.0\nin production"));
    }

    private static TimelineEntry entry(String time, String type, String summary) {
        TimelineEntry entry = new TimelineEntry();
        entry.time = OffsetDateTime.parse(time);
        entry.type = type;
        entry.summary = summary;
        return entry;
    }
}
