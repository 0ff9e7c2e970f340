package dev.lifeguard.notify.service;

import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import dev.lifeguard.notify.event.ApprovalRequestedEvent;
import dev.lifeguard.notify.event.Decision;
import dev.lifeguard.notify.event.DecisionFacts;
import dev.lifeguard.notify.event.Explanation;
import dev.lifeguard.notify.event.GuardTrippedEvent;
import dev.lifeguard.notify.event.RollbackDecidedEvent;
import dev.lifeguard.notify.event.RollbackDecisionEvent;
import dev.lifeguard.notify.event.RollbackEscalatedEvent;
import dev.lifeguard.notify.event.RollbackRequestedEvent;
import dev.lifeguard.notify.service.Hindsight.Settled;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The words for rollback-service's decisions. Every message quotes the decision's explanation (rule, reason, the
 * policy with its source and version); those that wait for a person say by when, what happens if nobody answers, and
 * give the exact commands to approve or reject. Pure.
 */
final class DecisionWording {

    /** Quoted text from events is cut here, so that the commands after it survive the channels' length limits. */
    static final int QUOTE_MAX = 500;

    /** Ids and paths pasted into a shell command: anything else could be read by the shell as more than an id. */
    private static final Pattern SHELL_SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");
    private static final Pattern SHELL_SAFE_PATH = Pattern.compile("/[A-Za-z0-9._~/:-]{1,300}");
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT);

    private final String rollbackServiceUrl;

    DecisionWording(String rollbackServiceUrl) {
        this.rollbackServiceUrl = rollbackServiceUrl.replaceAll("/+$", "");
    }

    NotificationContent compose(RollbackDecisionEvent event, Hindsight known) {
        if (event instanceof ApprovalRequestedEvent request) {
            return known.settled().isPresent()
                    ? lateApprovalRequest(request, known.settled().get()) : approvalRequested(request);
        }
        if (event instanceof RollbackDecidedEvent decided) {
            return decided(decided, known);
        }
        if (event instanceof RollbackEscalatedEvent escalated) {
            return known.settled().filter(Settled::byAPerson).isPresent()
                    ? lateEscalation(escalated, known.settled().get())
                    : escalated(escalated, known.escalationTeamListens());
        }
        return guardTripped((GuardTrippedEvent) event);
    }

    /** The request as before, and why it was decided, quoted from the explanation when the event carries one. */
    static String requestedText(RollbackRequestedEvent e, String title) {
        Explanation why = e.explanation();
        if (why == null) {
            return e.reason() != null ? title + ": " + e.reason() : title + ".";
        }
        String because = e.reason() != null && !why.reason().contains(e.reason())
                ? ": " + NotificationComposer.sentence(clip(e.reason())) + " " : ". ";
        return title + because + "Why" + rule(why.rule()) + ": " + NotificationComposer.sentence(clip(why.reason()));
    }

    private NotificationContent approvalRequested(ApprovalRequestedEvent e) {
        DecisionFacts f = e.facts();
        String title = "Approve rolling back " + e.service() + " in " + e.environment() + " " + fromTo(f) + "?";
        List<String> lines = new ArrayList<>();
        lines.add("Lifeguard waits for a person before rolling " + e.service() + " back in " + e.environment()
                + " (decision " + f.rollbackId() + ", " + f.decision() + ")." + why(f));
        evidence(f).ifPresent(lines::add);
        policy(f, e.service(), e.environment()).ifPresent(lines::add);
        ApprovalRequestedEvent.Approval approval = e.approval();
        String team = approval.escalationTeam() != null ? approval.escalationTeam() : policyTeam(f);
        String deadline = approval.deadline() != null
                ? "Answer by " + time(approval.deadline())
                + (approval.timeout() != null ? " (" + duration(approval.timeout()) + " after the decision)" : "") + "."
                : "No deadline was given.";
        String nobody = "If nobody answers" + (approval.deadline() != null ? " by then" : "") + ", "
                + (team != null ? team + " is told and " : "");
        String onTimeout = "rollback".equals(approval.onTimeout())
                ? nobody + "Lifeguard rolls back" + (f.toVersion() != null ? " to " + f.toVersion() : "") + " anyway."
                : "hold".equals(approval.onTimeout())
                ? nobody + "the rollback is held: " + e.service() + " " + f.fromVersion()
                + " keeps running until someone approves."
                : nobody + "rollback-service follows its policy's onApprovalTimeout.";
        lines.add(deadline + " " + onTimeout);
        lines.addAll(answers(f, approval.approveUrl(), approval.rejectUrl()));
        return content(e, title, lines, Urgency.HIGH);
    }

    /** Asked, but already answered (a replay, or the request read after its answer): for the record only. */
    private NotificationContent lateApprovalRequest(ApprovalRequestedEvent e, Settled settled) {
        DecisionFacts f = e.facts();
        String title = "Approval to roll back " + e.service() + " in " + e.environment() + " " + fromTo(f)
                + " was asked; " + settledPhrase(settled);
        return content(e, title, List.of(NotificationComposer.sentence(title)
                + (f.reason() != null ? " Why it was asked: " + NotificationComposer.sentence(clip(f.reason())) : "")),
                Urgency.NORMAL);
    }

    private NotificationContent decided(RollbackDecidedEvent e, Hindsight known) {
        DecisionFacts f = e.facts();
        return switch (f.decision()) {
            case HELD -> known.settled().filter(Settled::byAPerson).isPresent()
                    ? lateHold(e, known.settled().get()) : held(e);
            case DRY_RUN -> dryRun(e);
            case APPROVED -> approved(e);
            case REJECTED -> rejected(e);
            // Not told (RollbackDecidedEvent#worthTelling); worded for the record should a caller ask.
            case ROLL_BACK, MANUAL, AWAITING_APPROVAL, SKIPPED -> content(e, "Rollback decision on " + e.service()
                    + " in " + e.environment() + ": " + f.decision(), List.of(f.decision() + "." + why(f)),
                    Urgency.NORMAL);
        };
    }

    private NotificationContent held(RollbackDecidedEvent e) {
        DecisionFacts f = e.facts();
        String title = "Rollback of " + e.service() + " in " + e.environment() + " held: " + f.fromVersion()
                + " keeps running until someone approves";
        List<String> lines = new ArrayList<>();
        lines.add("Held" + (f.reason() != null ? ", because " + clip(f.reason()).replaceFirst("\\.$", "") : "")
                + rule(f.rule()) + ".");
        evidence(f).ifPresent(lines::add);
        policy(f, e.service(), e.environment()).ifPresent(lines::add);
        lines.add(f.toVersion() != null
                ? "Nothing is rolled back until someone approves; approving rolls " + e.service() + " back to "
                + f.toVersion() + "."
                : "There is no version to go back to: fix forward.");
        lines.addAll(answers(f, null, null));
        return content(e, title, lines, Urgency.HIGH);
    }

    private NotificationContent lateHold(RollbackDecidedEvent e, Settled settled) {
        DecisionFacts f = e.facts();
        String title = "Rollback of " + e.service() + " in " + e.environment() + " " + fromTo(e.facts())
                + " was held; " + settledPhrase(settled);
        return content(e, title, List.of(NotificationComposer.sentence(title)
                + (f.reason() != null ? " Why it was held: " + NotificationComposer.sentence(clip(f.reason())) : "")),
                Urgency.NORMAL);
    }

    private NotificationContent dryRun(RollbackDecidedEvent e) {
        DecisionFacts f = e.facts();
        String wouldBe = f.explanation() != null && f.explanation().inputs() != null
                ? f.explanation().inputs().wouldBe() : null;
        String target = e.service() + " " + fromTo(f) + " in " + e.environment();
        String would = switch (wouldBe == null ? "" : wouldBe) {
            case "ROLL_BACK" -> "rolled back " + target;
            case "AWAITING_APPROVAL" -> "asked for approval to roll back " + target;
            case "HELD" -> "held the rollback of " + target;
            case "" -> "decided on " + target;
            default -> "decided " + wouldBe + " for " + target;
        };
        List<String> lines = new ArrayList<>();
        lines.add("Nothing was executed: the policy is a dry run." + why(f));
        evidence(f).ifPresent(lines::add);
        policy(f, e.service(), e.environment()).ifPresent(lines::add);
        return content(e, "Dry run: would have " + would, lines, Urgency.NORMAL);
    }

    private NotificationContent approved(RollbackDecidedEvent e) {
        DecisionFacts f = e.facts();
        String who = e.settledBy() != null ? e.settledBy() : "someone";
        String title = "Rollback of " + e.service() + " in " + e.environment() + " " + fromTo(f) + " approved by " + who;
        String text = who + " approved rolling " + e.service() + " back " + fromTo(f) + " in " + e.environment()
                + quotedReason(e.settleReason()) + " "
                + (e.previousDecision() == Decision.HELD ? "It was held; " : "") + "Lifeguard rolls back now.";
        return content(e, title, List.of(text), Urgency.NORMAL);
    }

    private NotificationContent rejected(RollbackDecidedEvent e) {
        DecisionFacts f = e.facts();
        String who = e.settledBy() != null ? e.settledBy() : "someone";
        String title = "Rollback of " + e.service() + " in " + e.environment() + " " + fromTo(f) + " rejected by " + who;
        String text = who + " rejected rolling " + e.service() + " back " + fromTo(f) + " in " + e.environment()
                + quotedReason(e.settleReason()) + " " + e.service() + " " + f.fromVersion()
                + " keeps running; Lifeguard does not roll it back for this decision.";
        return content(e, title, List.of(text), Urgency.NORMAL);
    }

    private NotificationContent escalated(RollbackEscalatedEvent e, boolean teamListens) {
        DecisionFacts f = e.facts();
        String team = e.escalationTeam();
        String to = team != null ? "Escalated to " + team + ": " : "Escalated: ";
        Explanation.Inputs inputs = f.explanation() != null ? f.explanation().inputs() : null;
        Explanation.Policy policy = f.explanation() != null ? f.explanation().policy() : null;
        String title;
        String first;
        if (RollbackEscalatedEvent.DEPTH_GUARD.equals(e.escalatedBecause())) {
            title = to + e.service() + " " + f.fromVersion() + " in " + e.environment()
                    + " failed again after a rollback";
            String restoredBy = inputs != null && inputs.restoredBy() != null ? " " + inputs.restoredBy() : "";
            String depth = inputs != null && inputs.depth() != null ? "depth " + inputs.depth() : null;
            String allowed = policy != null && policy.maxDepth() != null ? "the policy allows " + policy.maxDepth()
                    : null;
            String numbers = depth != null && allowed != null ? " (" + depth + ", " + allowed + ")"
                    : depth != null ? " (" + depth + ")" : "";
            first = "The version rollback" + restoredBy + " restored, " + f.fromVersion()
                    + ", failed too" + numbers + ": Lifeguard does not roll back again on its own.";
        } else if (RollbackEscalatedEvent.APPROVAL_TIMEOUT.equals(e.escalatedBecause())) {
            title = to + "nobody approved rolling back " + e.service() + " in " + e.environment() + " " + fromTo(f);
            first = "Nobody answered the approval"
                    + (policy != null && policy.approvalTimeout() != null
                    ? " within " + duration(policy.approvalTimeout()) : " in time") + ".";
        } else {
            title = to + "rollback of " + e.service() + " in " + e.environment() + " " + fromTo(f);
            first = "rollback-service escalated this decision.";
        }
        List<String> lines = new ArrayList<>();
        lines.add(first + why(f));
        evidence(f).ifPresent(lines::add);
        policy(f, e.service(), e.environment()).ifPresent(lines::add);
        if (RollbackEscalatedEvent.THEN_ROLLBACK.equals(e.then())) {
            lines.add("Lifeguard rolls back" + (f.toVersion() != null ? " to " + f.toVersion() : "")
                    + " now (onApprovalTimeout rollback).");
        } else {
            lines.add("Held: " + e.service() + " " + f.fromVersion() + " keeps running until someone approves"
                    + (f.toVersion() != null ? " (roll back to " + f.toVersion() + ")" : "") + " or rejects.");
            lines.addAll(answers(f, null, null));
        }
        if (team != null && !teamListens) {
            lines.add("Warning: " + team + " has no notify-service subscription, so nobody there was told: call them.");
        } else if (team == null) {
            lines.add("Warning: the event names no escalation team: nobody else was told.");
        }
        return content(e, title, lines, Urgency.CRITICAL);
    }

    private NotificationContent lateEscalation(RollbackEscalatedEvent e, Settled settled) {
        DecisionFacts f = e.facts();
        String title = "Rollback of " + e.service() + " in " + e.environment() + " " + fromTo(f) + " was escalated"
                + (e.escalationTeam() != null ? " to " + e.escalationTeam() : "") + "; " + settledPhrase(settled);
        return content(e, title, List.of(NotificationComposer.sentence(title) + why(f)), Urgency.NORMAL);
    }

    private NotificationContent guardTripped(GuardTrippedEvent e) {
        DecisionFacts f = e.facts();
        String window = e.window() != null ? duration(e.window()) : "hour";
        String title = "Storm guard tripped in " + e.environment()
                + (e.count() != null ? ": " + e.count() + " automatic rollbacks within " + window
                + (e.limit() != null ? " (limit " + e.limit() + ")" : "") : "");
        List<String> lines = new ArrayList<>();
        lines.add((e.count() != null && e.limit() != null
                ? e.count() + " automatic rollbacks in " + e.environment()
                + (e.since() != null ? " since " + time(e.since()) : "") + " reached the limit of " + e.limit()
                + " per " + window + ". "
                : "The environment reached its limit of automatic rollbacks. ")
                + "Until the window has passed, every automatic rollback in " + e.environment()
                + " waits for approval, starting with rolling " + e.service() + " back " + fromTo(f) + " (decision "
                + f.rollbackId() + "). Many failures at once often mean a shared dependency or the platform broke:"
                + " look there before approving rollbacks one by one.");
        policy(f, e.service(), e.environment()).ifPresent(lines::add);
        return content(e, title, lines, Urgency.CRITICAL);
    }

    // --- parts ---

    /**
     * How to answer: the curl calls on rollback-service and the launcher's commands. Without an id that is safe to
     * paste into a shell, no command is given at all.
     */
    private List<String> answers(DecisionFacts f, String approvePath, String rejectPath) {
        String id = f.rollbackId();
        if (!SHELL_SAFE_ID.matcher(id).matches()) {
            return List.of("Answer it on rollback-service (" + rollbackServiceUrl + ", POST /api/v1/rollbacks/{id}"
                    + "/approve or /reject): its id has characters that are not safe in a shell, so no command is"
                    + " given here.");
        }
        String approve = curl(approvePath, "/api/v1/rollbacks/" + id + "/approve");
        String reject = curl(rejectPath, "/api/v1/rollbacks/" + id + "/reject");
        return List.of("Approve: `" + approve + "` or `./lifeguard rollback approve " + id + "`",
                "Reject: `" + reject + "` or `./lifeguard rollback reject " + id + " --reason \"...\"`");
    }

    /** The event's path when it is a plain one, else the one rollback-service serves by contract. */
    private String curl(String eventPath, String contractPath) {
        String path = eventPath != null && SHELL_SAFE_PATH.matcher(eventPath).matches() ? eventPath : contractPath;
        // the actor is the token's subject: the command carries an operator token, not a name
        return "curl -X POST " + rollbackServiceUrl + path + " -H \"Authorization: Bearer $LIFEGUARD_TOKEN\""
                + " -H 'Content-Type: application/json' -d '{\"reason\":\"...\"}'";
    }

    /** " Why (rule x): reason." or nothing. */
    private static String why(DecisionFacts f) {
        return f.reason() != null
                ? " Why" + rule(f.rule()) + ": " + NotificationComposer.sentence(clip(f.reason())) : "";
    }

    private static String rule(String rule) {
        return rule != null ? " (rule " + rule + ")" : "";
    }

    /** The evidence in one line, unless the reason already quotes it. */
    private static Optional<String> evidence(DecisionFacts f) {
        Explanation explanation = f.explanation();
        if (explanation == null || explanation.inputs() == null || explanation.inputs().evidence() == null
                || explanation.reason().contains(explanation.inputs().evidence())) {
            return Optional.empty();
        }
        return Optional.of("Evidence: " + NotificationComposer.sentence(clip(explanation.inputs().evidence())));
    }

    /** "Policy: service policy checkout in production v2 over environment policy production v3 (mode approval)." */
    private static Optional<String> policy(DecisionFacts f, String service, String environment) {
        Explanation.Policy policy = f.explanation() != null ? f.explanation().policy() : null;
        if (policy == null) {
            return Optional.empty();
        }
        String mode = policy.mode() != null ? " (mode " + policy.mode() + ")" : "";
        if (policy.sources().isEmpty()) {
            return Optional.of("Policy: none stored for " + service + " in " + environment + ", the defaults apply"
                    + mode + ".");
        }
        // The service's policy overrides its environment's: name it first.
        String sources = policy.sources().stream()
                .sorted((a, b) -> Boolean.compare("environment".equals(a.scope()), "environment".equals(b.scope())))
                .map(DecisionWording::source).collect(Collectors.joining(" over "));
        return Optional.of("Policy: " + sources + mode + ".");
    }

    private static String source(Explanation.Source source) {
        String version = source.version() != null ? " v" + source.version() : "";
        if ("service".equals(source.scope())) {
            return "service policy " + source.service() + " in " + source.environment() + version;
        }
        return "environment policy " + source.environment() + version;
    }

    private static String policyTeam(DecisionFacts f) {
        return f.explanation() != null && f.explanation().policy() != null
                ? f.explanation().policy().escalationTeam() : null;
    }

    private static String settledPhrase(Settled settled) {
        String by = settled.by() != null ? settled.by() : "someone";
        return switch (settled.decision()) {
            case APPROVED -> "already approved by " + by;
            case REJECTED -> "already rejected by " + by;
            case ROLL_BACK -> "the approval already timed out and Lifeguard rolled back";
            case HELD -> "the approval already timed out and the rollback is held";
            default -> "already settled (" + settled.decision() + ")";
        };
    }

    /** ": "why they said so"." or "." */
    private static String quotedReason(String reason) {
        return reason != null ? ": \"" + clip(reason) + "\"." : ".";
    }

    private static String fromTo(DecisionFacts f) {
        return "from " + f.fromVersion() + (f.toVersion() != null ? " to " + f.toVersion() : "");
    }

    static String clip(String text) {
        return text.length() <= QUOTE_MAX ? text : text.substring(0, QUOTE_MAX - 1) + "…";
    }

    /** "2026-11-26 10:16:22 UTC"; a time that does not parse is shown as sent. */
    static String time(String instant) {
        try {
            return OffsetDateTime.parse(instant).withOffsetSameInstant(ZoneOffset.UTC).format(UTC_TIME);
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    /** "15m", "1h", "1h30m", "90s"; a duration that does not parse is shown as sent. */
    static String duration(String iso) {
        Duration duration;
        try {
            duration = Duration.parse(iso);
        } catch (DateTimeParseException e) {
            return iso;
        }
        StringBuilder text = new StringBuilder();
        if (duration.toHours() > 0) {
            text.append(duration.toHours()).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            text.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0 || text.isEmpty()) {
            text.append(duration.toSecondsPart()).append('s');
        }
        return text.toString();
    }

    private static NotificationContent content(RollbackDecisionEvent event, String title, List<String> lines,
                                               Urgency urgency) {
        return NotificationComposer.content(event, title, String.join("\n", lines), List.of(), urgency);
    }
}
