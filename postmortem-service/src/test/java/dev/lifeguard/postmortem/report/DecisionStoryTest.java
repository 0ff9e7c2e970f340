package dev.lifeguard.postmortem.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.postmortem.ChainScenario;
import dev.lifeguard.postmortem.DecisionEvents;
import dev.lifeguard.postmortem.Incident;
import dev.lifeguard.postmortem.IncidentStatus;
import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.support.event.CloudEventReader;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A decision's story told from rollback-service's events of the chain, whatever order they arrived in, and the
 * post-mortem that quotes it.
 */
class DecisionStoryTest {

    private static final CloudEventReader READER = new CloudEventReader(new ObjectMapper());

    private final ChainScenario chain = new ChainScenario();

    @Test
    void approvedDecisionTellsWhatItWasFirstWhoApprovedItWhenAndWhy() {
        DecisionStory story = only(DecisionStory.tell(events(DecisionEvents.awaitingApproval(chain),
                DecisionEvents.approvalRequested(chain), DecisionEvents.approved(chain),
                DecisionEvents.approvedRollbackRequested(chain))));

        assertThat(story.decisionId()).isEqualTo("rollback-0004");
        assertThat(story.decision()).isEqualTo("APPROVED");
        assertThat(story.rule()).isEqualTo("approved");
        assertThat(story.decidedAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:01:22Z"));
        assertThat(story.changedAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:04:10Z"));
        assertThat(List.of(story.originalDecision(), story.originalRule()))
                .containsExactly("AWAITING_APPROVAL", "mode-approval");
        assertThat(story.originalReason()).startsWith("policy production v3 asks for approval");
        DecisionStory.Approval approval = story.approval();
        assertThat(approval.outcome()).isEqualTo(DecisionStory.APPROVED);
        assertThat(approval.requestedAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:01:22Z"));
        assertThat(approval.deadline()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:16:22Z"));
        assertThat(List.of(approval.settledBy(), approval.settleReason()))
                .containsExactly("alice", "error rate is real, go");
        assertThat(approval.settledAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:04:10Z"));
        assertThat(approval.timedOutAt()).isNull();
    }

    @Test
    void storyIsTheSameWhateverOrderItsEventsArriveInAndWithRedeliveries() {
        List<String> inOrder = List.of(DecisionEvents.guardTripped(chain), DecisionEvents.awaitingApproval(chain),
                DecisionEvents.approvalRequested(chain), DecisionEvents.escalated(chain),
                DecisionEvents.heldAfterTimeout(chain), DecisionEvents.approvedAfterTimeout(chain));
        List<DecisionStory> expected = DecisionStory.tell(events(inOrder.toArray(String[]::new)));

        List<String> reversed = new ArrayList<>(inOrder);
        Collections.reverse(reversed);
        List<String> rotated = new ArrayList<>(inOrder.subList(3, 6));
        rotated.addAll(inOrder.subList(0, 3));
        for (List<String> order : List.of(reversed, rotated)) {
            assertThat(DecisionStory.tell(events(order.toArray(String[]::new)))).isEqualTo(expected);
        }
        DecisionStory story = only(expected);
        assertThat(story.decision()).isEqualTo("APPROVED");
        assertThat(story.originalDecision()).isEqualTo("AWAITING_APPROVAL");
        assertThat(story.approval().timedOutAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:16:23Z"));
        assertThat(story.approval().afterTimeout()).isEqualTo("HELD");
        assertThat(story.approval().outcome()).isEqualTo(DecisionStory.APPROVED);
        assertThat(story.escalations()).extracting(DecisionStory.Escalation::team, DecisionStory.Escalation::because,
                DecisionStory.Escalation::then).containsExactly(org.assertj.core.groups.Tuple.tuple("sre-leads",
                "approval-timeout", "hold"));
        assertThat(story.guardTripped()).isEqualTo(new DecisionStory.GuardTrip(
                OffsetDateTime.parse("2026-11-26T10:01:22Z"), 5, 5, "PT1H", "2026-11-26T09:01:22Z"));
    }

    @Test
    void approvalArrivingBeforeItsRequestStillTellsTheWholeApproval() {
        DecisionStory story = only(DecisionStory.tell(events(DecisionEvents.approved(chain),
                DecisionEvents.approvalRequested(chain))));

        assertThat(story.decision()).isEqualTo("APPROVED");
        assertThat(story.approval().requestedAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:01:22Z"));
        assertThat(story.approval().settledBy()).isEqualTo("alice");
        // The AWAITING_APPROVAL decided has not come: the story starts with the change it has.
        assertThat(story.decidedAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:04:10Z"));
    }

    @Test
    void aDecisionKnownOnlyFromItsRollbackRequestIsToldFromIt() {
        DecisionStory story = only(DecisionStory.tell(events(chain.event(ChainScenario.ROLLBACK_REQUESTED))));

        assertThat(List.of(story.decision(), story.rule())).containsExactly("ROLL_BACK", "mode-auto");
        assertThat(story.approval()).isNull();
        assertThat(story.explanation().policyText()).isEqualTo("no stored policy (defaults, mode auto)");
    }

    @Test
    void pendingApprovalRendersAsAnOpenIncidentWaitingForAnAnswer() {
        String markdown = render(DecisionEvents.awaitingApproval(chain), DecisionEvents.approvalRequested(chain));

        assertThat(markdown)
                .contains("Lifeguard asks for approval before rolling back to 1.0.0 (rule mode-approval): policy"
                        + " production v3 asks for approval: roll " + chain.service() + " 2.0.0 back to 1.0.0? error_rate"
                        + " above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0. Nothing is executed until"
                        + " someone approves (deadline 2026-11-26 10:16:22 UTC); the incident stays open until it is"
                        + " rolled back or fixed.")
                .contains("- End: ongoing: the rollback waits for approval\n")
                .contains("""
                        ## Decision

                        - Decision: AWAITING_APPROVAL
                        - Rule: mode-approval
                        - Reason: policy production v3 asks for approval: roll %s 2.0.0 back to 1.0.0? error_rate \
                        above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0
                        - Decided at: 2026-11-26 10:01:22 UTC (trigger anomaly)
                        - Policy: environment production v3 (mode approval)
                        - Storm guard: 1 of 5 automatic rollbacks in production within 1h (since 2026-11-26 09:01:22 UTC)
                        - Decision id: `rollback-0004`

                        ### Approval

                        - Requested at: 2026-11-26 10:01:22 UTC
                        - Deadline: 2026-11-26 10:16:22 UTC (15m)
                        - On timeout: escalate to sre-leads, then hold
                        - Answer: none yet (AWAITING_APPROVAL)

                        ## Resolution

                        Not resolved: the rollback waits for approval, and no rollback has been reported for this chain.
                        """.formatted(chain.service()));
    }

    @Test
    void timedOutEscalatedAndLaterApprovedDecisionQuotesEveryStep() {
        String markdown = render(DecisionEvents.guardTripped(chain), DecisionEvents.awaitingApproval(chain),
                DecisionEvents.approvalRequested(chain), DecisionEvents.escalated(chain),
                DecisionEvents.heldAfterTimeout(chain), DecisionEvents.approvedAfterTimeout(chain));

        assertThat(markdown)
                .contains("- Decision: APPROVED\n- Rule: approved\n")
                .contains("- First decided: AWAITING_APPROVAL, rule mode-approval: policy production v3 asks for approval")
                .contains("- Changed at: 2026-11-26 10:20:00 UTC\n")
                .contains("- Storm guard tripped: 2026-11-26 10:01:22 UTC: 5 automatic rollbacks in production"
                        + " within 1h (limit 5); automatic rollbacks there need approval\n")
                .contains("- Escalated: to sre-leads at 2026-11-26 10:16:23 UTC (approval-timeout), then hold\n")
                .contains("- Timed out: 2026-11-26 10:16:23 UTC: nobody answered in time, then HELD\n"
                        + "- Approved: by alice at 2026-11-26 10:20:00 UTC: error rate is real, go\n")
                .contains("Lifeguard decided to roll back to 1.0.0 (APPROVED, rule approved)");
    }

    @Test
    void heldRejectedAndDryRunDecisionsKeepTheIncidentOpenAndSaySo() {
        assertThat(render(DecisionEvents.held(chain)))
                .contains("Lifeguard held the rollback to 1.0.0 (rule mode-notify-only): policy production v3 is"
                        + " notify-only")
                .contains("Nothing was executed and 2.0.0 still runs: the incident stays open until someone approves"
                        + " the rollback, rolls back or deploys a fix.")
                .contains("- End: ongoing: the rollback was held\n")
                .contains("Not resolved: the rollback was held, and no rollback has been reported")
                .doesNotContain("### Approval");
        // The reason a person typed spans two lines: in a list item it stays on one.
        assertThat(render(DecisionEvents.awaitingApproval(chain), DecisionEvents.rejected(chain)))
                .contains("The rollback to 1.0.0 was rejected by bob at 2026-11-26 10:04:10 UTC: false alarm: a load"
                        + " test. Nothing was executed and 2.0.0 still runs: the incident stays open until it is fixed"
                        + " or rolled back by other means.")
                .contains("- Rejected: by bob at 2026-11-26 10:04:10 UTC: false alarm: a load test\n")
                .contains("- End: ongoing: the rollback was rejected\n");
        assertThat(render(DecisionEvents.dryRun(chain)))
                .contains("Dry run: Lifeguard would have decided ROLL_BACK (rule dry-run): dry run: would have rolled "
                        + chain.service() + " 2.0.0 back to 1.0.0 because error_rate above 0.05. Nothing was executed:"
                        + " the incident stays open until it is rolled back or fixed.")
                .contains("- Decision: DRY_RUN (would have been ROLL_BACK)\n")
                .contains("- End: ongoing: dry run, nothing was executed\n");
    }

    @Test
    void aResolvedIncidentKeepsItsRollbackSummaryAndQuotesTheDecisionAndApproval() {
        Incident incident = incident();
        incident.status = IncidentStatus.RESOLVED;
        incident.resolvedAt = OffsetDateTime.parse("2026-11-26T10:04:30Z");
        incident.restoredVersion = "1.0.0";

        String markdown = PostmortemRenderer.render(incident, List.of(), Map.of(), DecisionStory.tell(events(
                DecisionEvents.awaitingApproval(chain), DecisionEvents.approvalRequested(chain),
                DecisionEvents.approved(chain))));

        assertThat(markdown).contains("Lifeguard rolled back from 2.0.0 to 1.0.0 at 2026-11-26 10:04:30 UTC")
                .contains("## Decision\n\n- Decision: APPROVED\n")
                .contains("### Approval\n")
                .contains("- Approved: by alice at 2026-11-26 10:04:10 UTC: error rate is real, go\n")
                .doesNotContain("Not resolved");
    }

    @Test
    void freezeWindowCooldownAndDepthOfTheExplanationAreQuoted() {
        String frozen = DecisionEvents.awaitingApproval(chain)
                .replace("\"rule\": \"mode-approval\"", "\"rule\": \"freeze-window\"")
                .replace("\"freezeWindow\": null", "\"freezeWindow\": {\"from\": \"2026-11-26T09:00:00Z\","
                        + " \"to\": \"2026-11-26T18:00:00Z\", \"reason\": \"Black\\nFriday\"}")
                .replace("\"cooldownUntil\": null", "\"cooldownUntil\": \"2026-11-26T10:30:00Z\"")
                .replace("\"depth\": 1", "\"depth\": 2");
        String weekly = DecisionEvents.held(chain)
                .replace("\"freezeWindow\": null", "\"freezeWindow\": {\"cron\": \"0 18 * * FRI\", \"duration\":"
                        + " \"PT62H\", \"zone\": \"Europe/Paris\", \"from\": \"2026-11-20T17:00:00Z\","
                        + " \"to\": \"2026-11-23T07:00:00Z\"}");

        assertThat(render(frozen))
                .contains("- Rule: freeze-window\n")
                .contains("- Freeze window: 2026-11-26 09:00:00 UTC to 2026-11-26 18:00:00 UTC: Black Friday\n")
                .contains("- Cooldown: until 2026-11-26 10:30:00 UTC (30m after the last rollback)\n")
                .contains("- Depth: 2: the version an earlier rollback restored failed too\n");
        assertThat(render(weekly)).contains("- Freeze window: 2026-11-20 17:00:00 UTC to 2026-11-23 07:00:00 UTC (every"
                + " `0 18 * * FRI` for 62h, Europe/Paris)\n").doesNotContain("- Cooldown:").doesNotContain("- Depth:");
    }

    @Test
    void severalDecisionsOfAChainEachGetTheirHeading() {
        String other = DecisionEvents.held(chain).replace("rollback-0004", "rollback-0009")
                .replace("\"trigger\": \"anomaly\"", "\"trigger\": \"verdict\"");
        String markdown = render(other, DecisionEvents.awaitingApproval(chain), DecisionEvents.approvalRequested(chain));

        assertThat(markdown).contains("### Decision `rollback-0004`\n", "### Decision `rollback-0009`\n",
                "#### Approval\n");
    }

    private String render(String... events) {
        return PostmortemRenderer.render(incident(), List.of(), Map.of(), DecisionStory.tell(events(events)));
    }

    private Incident incident() {
        Incident incident = new Incident();
        incident.id = "inc-1";
        incident.chainId = chain.chainId();
        incident.service = chain.service();
        incident.environment = "production";
        incident.status = IncidentStatus.OPEN;
        incident.triggerVersion = "2.0.0";
        incident.openedAt = OffsetDateTime.parse("2026-11-26T10:01:21Z");
        incident.anomalyEventId = "anomaly-event";
        return incident;
    }

    private static List<ChainEvent> events(String... events) {
        return Stream.of(events).map(event -> ChainEvent.read(READER.read(event, null)).orElseThrow()).toList();
    }

    private static DecisionStory only(List<DecisionStory> stories) {
        assertThat(stories).hasSize(1);
        return stories.get(0);
    }
}
