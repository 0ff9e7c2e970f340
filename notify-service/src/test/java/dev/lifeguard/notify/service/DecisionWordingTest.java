package dev.lifeguard.notify.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import dev.lifeguard.notify.channel.slack.SlackChannel;
import dev.lifeguard.notify.event.Decision;
import dev.lifeguard.notify.event.NotifiableEvents;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The words for rollback-service's decisions, from the golden examples. */
class DecisionWordingTest {

    private static final String APPROVE = "Approve: `curl -X POST http://localhost:8083/api/v1/rollbacks/rollback-0004/approve"
            + " -H \"Authorization: Bearer $LIFEGUARD_TOKEN\" -H 'Content-Type: application/json'"
            + " -d '{\"reason\":\"...\"}'`"
            + " or `./lifeguard rollback approve rollback-0004`";
    private static final String REJECT = "Reject: `curl -X POST http://localhost:8083/api/v1/rollbacks/rollback-0004/reject"
            + " -H \"Authorization: Bearer $LIFEGUARD_TOKEN\" -H 'Content-Type: application/json'"
            + " -d '{\"reason\":\"...\"}'`"
            + " or `./lifeguard rollback reject rollback-0004 --reason \"...\"`";

    private final NotificationComposer composer = new NotificationComposer();

    @Test
    void approvalRequestGivesDecisionEvidencePolicyDeadlineTimeoutAndHowToAnswer() {
        NotificationContent content = compose(GoldenEvents.example(GoldenEvents.APPROVAL_REQUESTED, ""));

        assertThat(content.urgency()).isEqualTo(Urgency.HIGH);
        assertThat(content.title()).isEqualTo("Approve rolling back checkout in production from 2.0.0 to 1.0.0?");
        assertThat(content.text()).isEqualTo(String.join("\n",
                "Lifeguard waits for a person before rolling checkout back in production (decision rollback-0004,"
                        + " AWAITING_APPROVAL). Why (rule mode-approval): policy production v3 asks for approval: roll"
                        + " checkout 2.0.0 back to 1.0.0? error_rate above 0.05 for 3 consecutive samples (0.21, 0.34,"
                        + " 0.4) on 2.0.0.",
                "Policy: environment policy production v3 (mode approval).",
                "Answer by 2026-11-26 10:16:22 UTC (15m after the decision). If nobody answers by then, sre-leads is"
                        + " told and the rollback is held: checkout 2.0.0 keeps running until someone approves.",
                APPROVE, REJECT));
        assertThat(content.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
    }

    @Test
    void approvalThatRollsBackOnTimeoutSaysSoAndTheEvidenceIsQuotedWhenTheReasonLacksIt() {
        String json = GoldenEvents.example(GoldenEvents.APPROVAL_REQUESTED, "")
                .replace("\"onTimeout\": \"hold\"", "\"onTimeout\": \"rollback\"")
                .replaceFirst("\"reason\": \"[^\"]*\"", "\"reason\": \"freeze window 'release freeze' is active\"");

        NotificationContent content = compose(json);

        assertThat(content.text())
                .contains("Why (rule mode-approval): freeze window 'release freeze' is active.\n"
                        + "Evidence: error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0.\n")
                .contains("If nobody answers by then, sre-leads is told and Lifeguard rolls back to 1.0.0 anyway.");
    }

    @Test
    void commandsPointAtTheConfiguredRollbackService() {
        NotificationContent content = new NotificationComposer("https://rollback.example.com/")
                .compose(NotifiableEvents.from(GoldenEvents.read(
                        GoldenEvents.example(GoldenEvents.APPROVAL_REQUESTED, ""))).orElseThrow());

        assertThat(content.text()).contains("`curl -X POST https://rollback.example.com/api/v1/rollbacks/rollback-0004/approve ");
    }

    @Test
    void decisionWhoseIdIsNotSafeInAShellGetsNoCommand() {
        String json = GoldenEvents.example(GoldenEvents.APPROVAL_REQUESTED, "")
                .replace("\"id\": \"rollback-0004\"", "\"id\": \"x; rm -rf ~\"")
                .replace("/api/v1/rollbacks/rollback-0004/approve", "/api/v1/rollbacks/x;rm/approve");

        NotificationContent content = compose(json);

        assertThat(content.text()).doesNotContain("curl").doesNotContain("./lifeguard")
                .contains("its id has characters that are not safe in a shell, so no command is given here.");
    }

    @Test
    void approvalAskedAfterItWasAnsweredIsForTheRecordOnly() {
        NotificationContent content = composer.compose(read(GoldenEvents.example(GoldenEvents.APPROVAL_REQUESTED, "")),
                new Hindsight(Optional.empty(), Optional.of(new Hindsight.Settled(Decision.APPROVED, "alice", "go")),
                        true));

        assertThat(content.urgency()).isEqualTo(Urgency.NORMAL);
        assertThat(content.title()).isEqualTo("Approval to roll back checkout in production from 2.0.0 to 1.0.0 was"
                + " asked; already approved by alice");
        assertThat(content.text()).doesNotContain("curl").startsWith(content.title() + ". Why it was asked: policy");
    }

    @Test
    void heldSaysWhyAndHowToApprove() {
        NotificationContent content = compose(GoldenEvents.example(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.HELD));

        assertThat(content.urgency()).isEqualTo(Urgency.HIGH);
        assertThat(content.title())
                .isEqualTo("Rollback of checkout in production held: 2.0.0 keeps running until someone approves");
        assertThat(content.text()).isEqualTo(String.join("\n",
                "Held, because policy production v3 is notify-only: checkout 2.0.0 is failing (error_rate above 0.05"
                        + " for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0); nothing executed, 1.0.0 is the"
                        + " version to go back to (rule mode-notify-only).",
                "Policy: environment policy production v3 (mode notify-only).",
                "Nothing is rolled back until someone approves; approving rolls checkout back to 1.0.0.",
                APPROVE, REJECT));
    }

    @Test
    void heldReadAfterAPersonRejectedItIsForTheRecordOnly() {
        NotificationContent content = composer.compose(
                read(GoldenEvents.example(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.HELD)),
                new Hindsight(Optional.empty(), Optional.of(new Hindsight.Settled(Decision.REJECTED, "bob", "no")),
                        true));

        assertThat(content.urgency()).isEqualTo(Urgency.NORMAL);
        assertThat(content.title()).isEqualTo("Rollback of checkout in production from 2.0.0 to 1.0.0 was held;"
                + " already rejected by bob");
    }

    @Test
    void approvedAndRejectedSayByWhomAndWhy() {
        NotificationContent approved = compose(GoldenEvents.example(GoldenEvents.ROLLBACK_DECIDED,
                GoldenEvents.APPROVED));
        NotificationContent rejected = compose(GoldenEvents.rejected("checkout", "e-r"));

        assertThat(approved.urgency()).isEqualTo(Urgency.NORMAL);
        assertThat(approved.title())
                .isEqualTo("Rollback of checkout in production from 2.0.0 to 1.0.0 approved by alice");
        assertThat(approved.text()).isEqualTo("alice approved rolling checkout back from 2.0.0 to 1.0.0 in production:"
                + " \"error rate is real, go\". Lifeguard rolls back now.");
        assertThat(rejected.urgency()).isEqualTo(Urgency.NORMAL);
        assertThat(rejected.title())
                .isEqualTo("Rollback of checkout in production from 2.0.0 to 1.0.0 rejected by bob");
        assertThat(rejected.text()).isEqualTo("bob rejected rolling checkout back from 2.0.0 to 1.0.0 in production:"
                + " \"the errors come from a partner outage, not from 2.0.0\". checkout 2.0.0 keeps running; Lifeguard"
                + " does not roll it back for this decision.");
    }

    @Test
    void dryRunSaysWhatWouldHaveHappened() {
        NotificationContent content = compose(GoldenEvents.decided("checkout", "e-d", "DRY_RUN", "dry-run",
                "dry run: would have rolled checkout 2.0.0 back to 1.0.0 because policy production v3 is auto"));

        assertThat(content.urgency()).isEqualTo(Urgency.NORMAL);
        assertThat(content.title()).isEqualTo("Dry run: would have rolled back checkout from 2.0.0 to 1.0.0 in production");
        assertThat(content.text()).startsWith("Nothing was executed: the policy is a dry run. Why (rule dry-run): dry"
                + " run: would have rolled checkout 2.0.0 back to 1.0.0 because policy production v3 is auto.\n"
                + "Evidence: error_rate above 0.05");
    }

    @Test
    void guardTripIsCriticalWithCountLimitAndWhatNowNeedsApproval() {
        NotificationContent content = compose(GoldenEvents.example(GoldenEvents.GUARD_TRIPPED, ""));

        assertThat(content.urgency()).isEqualTo(Urgency.CRITICAL);
        assertThat(content.title())
                .isEqualTo("Storm guard tripped in production: 5 automatic rollbacks within 1h (limit 5)");
        assertThat(content.text()).startsWith("5 automatic rollbacks in production since 2026-11-26 09:01:22 UTC"
                        + " reached the limit of 5 per 1h. Until the window has passed, every automatic rollback in"
                        + " production waits for approval, starting with rolling checkout back from 2.0.0 to 1.0.0"
                        + " (decision rollback-0004).")
                .endsWith("\nPolicy: environment policy production v3 (mode approval).");
    }

    @Test
    void escalationAfterAnApprovalTimeoutIsCriticalAndSaysHowToAnswer() {
        NotificationContent content = compose(GoldenEvents.example(GoldenEvents.ROLLBACK_ESCALATED, ""));

        assertThat(content.urgency()).isEqualTo(Urgency.CRITICAL);
        assertThat(content.title()).isEqualTo("Escalated to sre-leads: nobody approved rolling back checkout in"
                + " production from 2.0.0 to 1.0.0");
        assertThat(content.text()).startsWith("Nobody answered the approval within 15m. Why (rule approval-timeout):")
                .contains("\nHeld: checkout 2.0.0 keeps running until someone approves (roll back to 1.0.0) or rejects.\n"
                        + APPROVE + "\n" + REJECT)
                .doesNotContain("Warning");
    }

    @Test
    void escalationByTheDepthGuardSaysTheRestoredVersionFailedTooAndWarnsWhenTheTeamHearsNothing() {
        String json = GoldenEvents.example(GoldenEvents.ROLLBACK_ESCALATED, "")
                .replace("\"escalatedBecause\": \"approval-timeout\"", "\"escalatedBecause\": \"depth-guard\"")
                .replace("\"rule\": \"approval-timeout\"", "\"rule\": \"depth-guard\"")
                .replace("\"fromVersion\": \"2.0.0\"", "\"fromVersion\": \"1.0.0\"")
                .replace("\"toVersion\": \"1.0.0\"", "\"toVersion\": \"0.9.0\"")
                .replace("\"depth\": 1", "\"depth\": 2")
                .replace("\"restoredBy\": null", "\"restoredBy\": \"rollback-0003\"");

        NotificationContent content = composer.compose(read(json), new Hindsight(Optional.empty(), Optional.empty(),
                false));

        assertThat(content.urgency()).isEqualTo(Urgency.CRITICAL);
        assertThat(content.title())
                .isEqualTo("Escalated to sre-leads: checkout 1.0.0 in production failed again after a rollback");
        assertThat(content.text()).startsWith("The version rollback rollback-0003 restored, 1.0.0, failed too (depth 2,"
                        + " the policy allows 1): Lifeguard does not roll back again on its own.")
                .endsWith("\nWarning: sre-leads has no notify-service subscription, so nobody there was told: call"
                        + " them.");
    }

    @Test
    void escalationThatRollsBackGivesNoCommand() {
        String json = GoldenEvents.example(GoldenEvents.ROLLBACK_ESCALATED, "")
                .replace("\"then\": \"hold\"", "\"then\": \"rollback\"");

        assertThat(compose(json).text()).contains("\nLifeguard rolls back to 1.0.0 now (onApprovalTimeout rollback).")
                .doesNotContain("curl");
    }

    @Test
    void rollbackRequestQuotesItsExplanation() {
        NotificationContent content = compose(GoldenEvents.json(GoldenEvents.ROLLBACK_REQUESTED));

        assertThat(content.text()).isEqualTo("Rolling back checkout in production from 2.0.0 to 1.0.0. Why (rule"
                + " mode-auto): no policy for checkout/production: roll back automatically (mode auto) to 1.0.0;"
                + " error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0.");
    }

    @Test
    void approvedRollbackRequestQuotesBothItsReasonAndWhoApproved() {
        String json = GoldenEvents.json(GoldenEvents.ROLLBACK_REQUESTED)
                .replace("\"decision\": \"ROLL_BACK\"", "\"decision\": \"APPROVED\"")
                .replace("\"rule\": \"mode-auto\"", "\"rule\": \"approved\"")
                .replaceFirst("\"reason\": \"no policy[^\"]*\"",
                        "\"reason\": \"approved by alice (\\\\\"go\\\\\"): roll checkout 2.0.0 back to 1.0.0\"");

        assertThat(compose(json).text()).isEqualTo("Rolling back checkout in production from 2.0.0 to 1.0.0: error_rate"
                + " above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0. Why (rule approved): approved by"
                + " alice (\"go\"): roll checkout 2.0.0 back to 1.0.0.");
    }

    @Test
    void textFromEventsIsEscapedOnSlackAndLongReasonsAreCutBeforeTheCommands() {
        String json = GoldenEvents.example(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.HELD)
                .replaceFirst("\"reason\": \"[^\"]*\"", "\"reason\": \"<!channel> look & see " + "x".repeat(2000) + "\"");

        ObjectNode slack = new SlackChannel().render(compose(json));

        String section = slack.at("/blocks/1/text/text").asText();
        assertThat(section).startsWith("<!here> Held, because &lt;!channel&gt; look &amp; see xxx")
                .doesNotContain("<!channel>")
                .contains("x…")
                .endsWith("`./lifeguard rollback reject rollback-0004 --reason \"...\"`");
    }

    private NotificationContent compose(String json) {
        return composer.compose(read(json));
    }

    private static dev.lifeguard.notify.event.NotifiableEvent read(String json) {
        return NotifiableEvents.from(GoldenEvents.read(json)).orElseThrow();
    }
}
