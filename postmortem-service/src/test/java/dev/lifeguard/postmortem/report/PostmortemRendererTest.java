package dev.lifeguard.postmortem.report;

import dev.lifeguard.postmortem.Incident;
import dev.lifeguard.postmortem.IncidentStatus;
import dev.lifeguard.postmortem.TimelineEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.OffsetDateTime;
import java.util.List;

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
                - Change: https://git.example.com/shop/checkout/commit/e4f5a6b
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
