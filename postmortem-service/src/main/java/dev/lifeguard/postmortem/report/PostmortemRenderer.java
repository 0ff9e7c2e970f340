package dev.lifeguard.postmortem.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.FixDeployment;
import dev.lifeguard.postmortem.FixStatus;
import dev.lifeguard.postmortem.Incident;
import dev.lifeguard.postmortem.IncidentFix;
import dev.lifeguard.postmortem.IncidentStatus;
import dev.lifeguard.postmortem.TimelineEntry;
import dev.lifeguard.postmortem.event.AnomalyDetected;
import dev.lifeguard.postmortem.event.DecisionExplanation;
import dev.lifeguard.postmortem.event.RollbackOutcome;
import dev.lifeguard.postmortem.event.ServiceRolledBack;
import dev.lifeguard.support.event.CdEvent;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The post-mortem draft in Markdown: everything Lifeguard knows, written out for people, with the sections
 * only people can fill (root cause, action items) left empty, except for the fixes linked to the incident, which
 * are listed among the action items with their outcome. A rollback that failed, was not carried out or waits
 * for someone is said plainly, with what still runs.
 */
public final class PostmortemRenderer {

    public static final String MEDIA_TYPE = "text/markdown";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    private static final String UNKNOWN = "unknown";

    private PostmortemRenderer() {
    }

    public static String render(Incident incident, List<TimelineEntry> timeline) {
        return render(incident, timeline, Map.of());
    }

    public static String render(Incident incident, List<TimelineEntry> timeline, Map<IncidentFix, FixDeployment> fixes) {
        return render(incident, timeline, fixes, List.of());
    }

    /**
     * {@code fixes}: the deployments linked to the incident as its fix, listed among the action items;
     * {@code decisions}: rollback-service's decisions on the chain, quoted in the Decision section, the latest of
     * which says why an incident without a rollback is still open.
     */
    public static String render(Incident incident, List<TimelineEntry> timeline, Map<IncidentFix, FixDeployment> fixes,
                                List<DecisionStory> decisions) {
        DecisionStory decision = DecisionStory.latest(decisions).orElse(null);
        String openBecause = decision == null ? null : openBecause(decision);
        boolean resolved = incident.status == IncidentStatus.RESOLVED;
        OffsetDateTime impactStart = incident.firstBadSampleAt != null ? incident.firstBadSampleAt : incident.openedAt;
        StringBuilder md = new StringBuilder();
        md.append("# Post-mortem: ").append(t(incident.service)).append(' ').append(t(incident.triggerVersion))
                .append(" in ").append(t(incident.environment)).append("\n\n");
        md.append("_Draft written by Lifeguard for incident ").append(code(incident.id)).append(" (chain ")
                .append(code(incident.chainId)).append("), status ").append(incident.status).append("._\n");

        section(md, "Summary");
        md.append(t(incident.service)).append(' ').append(t(incident.triggerVersion)).append(" was deployed to ")
                .append(t(incident.environment))
                .append(incident.deployedAt == null ? "" : " at " + time(incident.deployedAt)).append(". ")
                .append("Lifeguard detected an anomaly at ").append(time(incident.openedAt))
                .append(incident.detectionRule == null ? "" : ": " + t(incident.detectionRule))
                .append(incident.observedValues == null ? "" : " (observed " + t(incident.observedValues) + ")")
                .append(". ");
        RollbackOutcome.Result outcome = RollbackOutcome.Result.fromLabel(incident.rollbackOutcome);
        if (resolved) {
            md.append(rolledBack(incident)).append(" at ").append(time(incident.resolvedAt))
                    .append("; the impact lasted ").append(duration(impactStart, incident.resolvedAt)).append('.');
            if (outcome == RollbackOutcome.Result.FAILED) {
                md.append(" A rollback attempt failed at ").append(time(incident.rollbackOutcomeAt))
                        .append(": ").append(t(incident.rollbackOutcomeDetail)).append('.');
            }
            md.append('\n');
        } else if (outcome == RollbackOutcome.Result.FAILED) {
            md.append("The rollback").append(toVersion(incident)).append(" FAILED at ")
                    .append(time(incident.rollbackOutcomeAt)).append(attempts(incident)).append(": ")
                    .append(t(incident.rollbackOutcomeDetail)).append(". ").append(t(incident.service)).append(' ')
                    .append(t(incident.rollbackOutcomeFromVersion)).append(" still runs in ").append(t(incident.environment))
                    .append(": the incident stays open until it is rolled back or fixed.\n");
        } else if (outcome == RollbackOutcome.Result.SKIPPED) {
            md.append("The rollback was not carried out (").append(time(incident.rollbackOutcomeAt)).append("): ")
                    .append(t(incident.rollbackOutcomeDetail)).append(". The incident is not resolved: no rollback has")
                    .append(" been reported.\n");
        } else if (outcome == RollbackOutcome.Result.ACCEPTED) {
            md.append("The rollback").append(toVersion(incident)).append(" was accepted at ")
                    .append(time(incident.rollbackOutcomeAt))
                    .append(incident.rollbackOutcomeExecutor == null ? "" : " (executor " + t(incident.rollbackOutcomeExecutor) + ")")
                    .append(" and waits for completion: ").append(t(incident.rollbackOutcomeDetail)).append(".\n");
        } else if (decision != null) {
            md.append(decided(incident, decision)).append('\n');
        } else {
            md.append("The incident is not resolved yet: no rollback has been reported.\n");
        }

        section(md, "Impact window");
        item(md, "Start", time(impactStart) + (incident.firstBadSampleAt != null ? " (first bad sample)" : " (anomaly detected)"));
        item(md, "End", resolved ? time(incident.resolvedAt) + " (rollback to " + t(incident.restoredVersion) + ")"
                : outcome == null && openBecause != null ? "ongoing: " + openBecause : ongoing(incident, outcome));
        item(md, "Duration", resolved ? duration(impactStart, incident.resolvedAt) : "ongoing");

        section(md, "Timeline");
        md.append("| Time | Event | Summary |\n|---|---|---|\n");
        for (TimelineEntry entry : timeline) {
            md.append("| ").append(time(entry.time)).append(" | ").append(cell(entry.type)).append(" | ")
                    .append(cell(entry.summary)).append(" |\n");
        }

        section(md, "Trigger");
        if (incident.deploymentFromRollout) {
            md.append("The version never took all traffic (no service.deployed/upgraded): the deployment below is its")
                    .append(" rollout's, deployed at its first traffic.\n\n");
        } else if (incident.deploymentEventId == null) {
            md.append("The deployment event of this chain has not been received.\n\n");
        }
        item(md, "Version", t(incident.triggerVersion));
        item(md, "Previous version", t(incident.previousVersion));
        item(md, "Deployment", code(incident.deploymentId));
        item(md, "Deployed at", time(incident.deployedAt));
        item(md, "Commit", code(incident.commit));
        item(md, "Change", link(incident.changeUrl));
        item(md, "Team", t(incident.team));
        item(md, "CI event", code(incident.ciEventId));

        section(md, "Detection");
        item(md, "Rule", t(incident.detectionRule));
        item(md, "Metric", t(incident.detectionMetric));
        item(md, "Threshold", incident.detectionThreshold == null ? null : AnomalyDetected.number(incident.detectionThreshold));
        item(md, "Observed values", t(incident.observedValues));
        item(md, "First bad sample", time(incident.firstBadSampleAt));
        item(md, "Last bad sample", time(incident.lastBadSampleAt));
        item(md, "Detected at", time(incident.openedAt));
        item(md, "Anomaly", code(incident.anomalyId));

        if (!decisions.isEmpty()) {
            section(md, "Decision");
            for (DecisionStory story : decisions) {
                decision(md, story, t(incident.environment), decisions.size() > 1);
            }
        }

        section(md, "Resolution");
        if (resolved) {
            item(md, "Rollback", "from " + t(incident.triggerVersion) + " to " + t(incident.restoredVersion) + " at "
                    + time(incident.resolvedAt));
            item(md, "Reason", t(incident.resolutionReason));
            boolean byCi = ServiceRolledBack.REPORTED_BY_CI.equals(incident.rolledBackBy);
            // No executor of Lifeguard's ran when someone used their CD tool.
            item(md, "Executor", incident.rollbackExecutor == null && byCi ? "none" : t(incident.rollbackExecutor));
            if (byCi) {
                item(md, "Reported by", "CI: someone rolled back with their CD tool, outside Lifeguard");
            } else if (ServiceRolledBack.REPORTED_BY_PERSON.equals(incident.rolledBackBy)) {
                item(md, "Reported by", "a person, who rolled back by hand");
            }
            item(md, "Rollback decision", code(incident.rollbackId));
            if (outcome != null) {
                item(md, "Other rollback outcome", outcome.label() + " at " + time(incident.rollbackOutcomeAt)
                        + attempts(incident) + ": " + t(incident.rollbackOutcomeDetail));
            }
        } else if (outcome != null) {
            md.append(switch (outcome) {
                case FAILED -> "Not resolved: the rollback failed and " + t(incident.rollbackOutcomeFromVersion)
                        + " still runs in " + t(incident.environment) + ".";
                case SKIPPED -> "Not resolved: the rollback was not carried out.";
                case ACCEPTED -> "Not resolved yet: the rollback was accepted and waits for completion.";
            }).append("\n\n");
            item(md, "Rollback", "from " + t(incident.rollbackOutcomeFromVersion)
                    + (incident.rollbackOutcomeToVersion == null ? "" : " to " + t(incident.rollbackOutcomeToVersion))
                    + ", " + (outcome == RollbackOutcome.Result.SKIPPED ? "not carried out" : outcome.label())
                    + " at " + time(incident.rollbackOutcomeAt));
            item(md, "Detail", t(incident.rollbackOutcomeDetail));
            if (outcome == RollbackOutcome.Result.FAILED) {
                item(md, "Attempts", incident.rollbackOutcomeAttempts == null ? null
                        : String.valueOf(incident.rollbackOutcomeAttempts));
            }
            item(md, "Executor", incident.rollbackOutcomeExecutor == null ? "none" : t(incident.rollbackOutcomeExecutor));
            if (outcome == RollbackOutcome.Result.ACCEPTED && incident.rollbackCompleteUrl != null) {
                item(md, "Complete with", code("POST " + incident.rollbackCompleteUrl));
            }
            item(md, "Reason", t(incident.rollbackOutcomeReason));
            item(md, "Rollback decision", code(incident.rollbackOutcomeRollbackId));
        } else if (openBecause != null) {
            md.append("Not resolved: ").append(openBecause).append(", and no rollback has been reported for this")
                    .append(" chain.\n");
        } else {
            md.append("Not resolved yet: no rollback has been reported for this chain.\n");
        }

        section(md, "Root cause");
        md.append("_To be completed by the team._\n");

        section(md, "Action items");
        fixes.forEach((link, fix) -> md.append(fixItem(link, fix)).append('\n'));
        md.append("- [ ] ...\n");
        return md.toString();
    }

    /**
     * The summary of an open incident without a rollback outcome, from its latest decision: what Lifeguard decided,
     * why, and that the incident stays open.
     */
    private static String decided(Incident incident, DecisionStory decision) {
        String why = "(rule " + t(decision.rule()) + "): " + inline(decision.reason());
        String stillRuns = (decision.fromVersion() != null ? t(decision.fromVersion()) : t(incident.triggerVersion))
                + " still runs";
        String open = "the incident stays open until it is rolled back or fixed.";
        return switch (decision.decision()) {
            case "AWAITING_APPROVAL" -> "Lifeguard asks for approval before rolling back" + toVersion(decision) + " "
                    + why + ". Nothing is executed until someone approves"
                    + (decision.approval() != null && decision.approval().deadline() != null
                    ? " (deadline " + time(decision.approval().deadline()) + ")" : "") + "; " + open;
            case "HELD" -> "Lifeguard held the rollback" + toVersion(decision) + " " + why + ". Nothing was executed"
                    + " and " + stillRuns + ": the incident stays open until someone approves the rollback, rolls"
                    + " back or deploys a fix.";
            case "REJECTED" -> "The rollback" + toVersion(decision) + " was rejected" + settledBy(decision) + ": "
                    + inline(decision.approval() != null && decision.approval().settleReason() != null
                    ? decision.approval().settleReason() : decision.reason()) + ". Nothing was executed and "
                    + stillRuns + ": the incident stays open until it is fixed or rolled back by other means.";
            case "DRY_RUN" -> "Dry run: Lifeguard would have decided " + (decision.explanation() != null
                    && decision.explanation().wouldBe() != null ? decision.explanation().wouldBe() : "to act") + " "
                    + why + ". Nothing was executed: " + open;
            case "SKIPPED" -> "Lifeguard decided not to roll back " + why + ". " + capitalized(open);
            default -> "Lifeguard decided to roll back" + toVersion(decision) + " (" + t(decision.decision())
                    + (decision.rule() == null ? "" : ", rule " + t(decision.rule())) + "): " + inline(decision.reason())
                    + "; no rollback has been reported yet.";
        };
    }

    /** Why an incident with this latest decision and no rollback outcome is still open; null when nothing stops it. */
    private static String openBecause(DecisionStory decision) {
        return switch (decision.decision()) {
            case "AWAITING_APPROVAL" -> "the rollback waits for approval";
            case "HELD" -> "the rollback was held";
            case "REJECTED" -> "the rollback was rejected";
            case "DRY_RUN" -> "dry run, nothing was executed";
            case "SKIPPED" -> "Lifeguard decided not to roll back";
            default -> null;
        };
    }

    /** One decision: outcome, rule and reason, policy and inputs, then its approval. */
    private static void decision(StringBuilder md, DecisionStory story, String environment, boolean oneOfSeveral) {
        if (oneOfSeveral) {
            md.append("### Decision ").append(code(story.decisionId())).append("\n\n");
        }
        DecisionExplanation explanation = story.explanation();
        item(md, "Decision", t(story.decision()) + (explanation != null && explanation.wouldBe() != null
                ? " (would have been " + t(explanation.wouldBe()) + ")" : ""));
        item(md, "Rule", t(story.rule()));
        item(md, "Reason", inline(story.reason()));
        item(md, "Decided at", time(story.decidedAt()) + (explanation != null && explanation.trigger() != null
                ? " (trigger " + t(explanation.trigger()) + ")" : ""));
        if (story.changed()) {
            item(md, "First decided", t(story.originalDecision()) + ", rule " + t(story.originalRule()) + ": "
                    + inline(story.originalReason()));
            item(md, "Changed at", time(story.changedAt()));
        }
        if (explanation != null) {
            item(md, "Policy", t(explanation.policyText()));
            DecisionExplanation.StormGuard storm = explanation.stormGuard();
            if (storm != null && storm.count() != null && storm.limit() != null) {
                item(md, "Storm guard", storm.count() + " of " + storm.limit() + " automatic rollbacks in "
                        + environment + (storm.window() == null ? "" : " within "
                        + t(TimelineSummarizer.duration(storm.window())))
                        + (storm.since() == null ? "" : " (since " + instant(storm.since()) + ")"));
            }
            if (explanation.freezeWindow() != null) {
                item(md, "Freeze window", freezeWindow(explanation.freezeWindow()));
            }
            if (explanation.cooldownUntil() != null) {
                item(md, "Cooldown", "until " + instant(explanation.cooldownUntil())
                        + (explanation.cooldown() == null ? ""
                        : " (" + t(TimelineSummarizer.duration(explanation.cooldown())) + " after the last rollback)"));
            }
            if (explanation.depth() != null && explanation.depth() > 1) {
                item(md, "Depth", explanation.depth() + ": the version an earlier rollback restored failed too");
            }
        }
        if (story.guardTripped() != null) {
            DecisionStory.GuardTrip trip = story.guardTripped();
            item(md, "Storm guard tripped", time(trip.at()) + ": " + trip.count() + " automatic rollbacks in "
                    + environment + " within "
                    + t(TimelineSummarizer.duration(trip.window())) + " (limit " + trip.limit() + "); automatic"
                    + " rollbacks there need approval");
        }
        for (DecisionStory.Escalation escalation : story.escalations()) {
            item(md, "Escalated", "to " + (escalation.team() == null ? "no team" : t(escalation.team())) + " at "
                    + time(escalation.at()) + " (" + t(escalation.because()) + "), then " + t(escalation.then()));
        }
        item(md, "Decision id", code(story.decisionId()));
        if (story.approval() != null) {
            md.append('\n').append(oneOfSeveral ? "#### " : "### ").append("Approval\n\n");
            approval(md, story.approval());
        }
        if (oneOfSeveral) {
            md.append('\n');
        }
    }

    private static void approval(StringBuilder md, DecisionStory.Approval approval) {
        item(md, "Requested at", time(approval.requestedAt()));
        if (approval.deadline() != null) {
            item(md, "Deadline", time(approval.deadline()) + (approval.timeout() == null ? ""
                    : " (" + t(TimelineSummarizer.duration(approval.timeout())) + ")"));
        }
        if (approval.onTimeout() != null) {
            item(md, "On timeout", (approval.escalationTeam() == null ? "" : "escalate to "
                    + t(approval.escalationTeam()) + ", then ") + t(approval.onTimeout()));
        }
        if (approval.timedOutAt() != null) {
            item(md, "Timed out", time(approval.timedOutAt()) + ": nobody answered in time, then "
                    + t(approval.afterTimeout()));
        }
        switch (approval.outcome()) {
            case DecisionStory.APPROVED, DecisionStory.REJECTED -> item(md,
                    DecisionStory.APPROVED.equals(approval.outcome()) ? "Approved" : "Rejected",
                    "by " + inline(approval.settledBy()) + " at " + time(approval.settledAt())
                            + (approval.settleReason() == null ? "" : ": " + inline(approval.settleReason())));
            case DecisionStory.PENDING -> item(md, "Answer", "none yet (" + t(approval.waitingAs()) + ")");
            default -> {
            }
        }
    }

    /** "2026-12-24 00:00:00 UTC to 2026-12-27 00:00:00 UTC: holidays", with the cron shape it came from when it has one. */
    private static String freezeWindow(JsonNode window) {
        String from = CdEvent.textOrNull(window.get("from"));
        String to = CdEvent.textOrNull(window.get("to"));
        String cron = CdEvent.textOrNull(window.get("cron"));
        String reason = CdEvent.textOrNull(window.get("reason"));
        String when = from != null || to != null ? (from == null ? "?" : instant(from)) + " to "
                + (to == null ? "?" : instant(to)) : "in force";
        return when + (cron == null ? "" : " (every " + code(cron) + " for " + t(TimelineSummarizer.duration(
                String.valueOf(CdEvent.textOrNull(window.get("duration"))))) + (window.hasNonNull("zone")
                ? ", " + t(window.get("zone").asText()) : "") + ")") + (reason == null ? "" : ": " + inline(reason));
    }

    /** An RFC 3339 time from an explanation as the rest of the draft writes times; as given when it is none. */
    private static String instant(String text) {
        try {
            return time(OffsetDateTime.parse(text));
        } catch (DateTimeParseException e) {
            return inline(text);
        }
    }

    private static String toVersion(DecisionStory decision) {
        return decision.toVersion() == null ? "" : " to " + t(decision.toVersion());
    }

    private static String settledBy(DecisionStory decision) {
        DecisionStory.Approval approval = decision.approval();
        return approval == null || approval.settledBy() == null ? ""
                : " by " + inline(approval.settledBy()) + " at " + time(approval.settledAt());
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** Text from other services and people inside a sentence or list item: shown as text ({@link #t}). */
    private static String inline(String text) {
        return t(text);
    }

    /**
     * Text from events (service names, versions, reasons, people's names, anything CI or an executor sent) shown
     * literally inside a sentence, list item or cell: what could format, link ({@code [x](javascript:..)}), open HTML
     * ({@code <script>}, an entity) or end a code span is backslash-escaped; a line break, which would end a list item
     * or start a heading, becomes a space. Characters that only mean something at the start of a line ({@code #},
     * {@code >}, {@code -}) stay as they are (text from events never starts a line), and so does an underscore inside a
     * word ({@code error_rate}), which CommonMark never reads as emphasis.
     */
    static String t(String text) {
        if (text == null) {
            return null;
        }
        String flat = text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        StringBuilder escaped = new StringBuilder(flat.length() + 8);
        for (int i = 0; i < flat.length(); i++) {
            char c = flat.charAt(i);
            boolean special = switch (c) {
                case '\\', '`', '*', '[', ']', '<', '~', '|' -> true;
                case '_' -> !(i > 0 && i < flat.length() - 1 && Character.isLetterOrDigit(flat.charAt(i - 1))
                        && Character.isLetterOrDigit(flat.charAt(i + 1)));
                case '&' -> flat.startsWith("#", i + 1) || flat.substring(i + 1).matches("(?s)[A-Za-z0-9]+;.*");
                default -> false;
            };
            if (special) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /**
     * A URL from an event as a link only when it is http(s) and fits an autolink ({@code <url>}: no spaces, no angle
     * brackets or quotes); anything else ({@code javascript:}, {@code data:}, a crafted Markdown link) as escaped text.
     */
    static String link(String url) {
        if (url == null) {
            return null;
        }
        return url.matches("(?i)https?://[^\\s\\p{Cntrl}<>\"`\\\\]+") ? "<" + url + ">" : t(url);
    }

    /**
     * "- [x] Fix: checkout 2.0.1 (deployment `d-0003`, named as the fix by its deployment): verified at ... (its
     * rollout was promoted to all traffic)"; checked only when verified.
     */
    private static String fixItem(IncidentFix link, FixDeployment fix) {
        FixStatus status = fix.status();
        String how = IncidentFix.EXPLICIT.equals(link.linkedBy) ? "linked explicit: named as the fix by its deployment"
                : "linked candidate: the first deployment of " + t(fix.service) + " after the incident";
        String outcome = switch (status) {
            case LINKED -> "linked, not deployed yet";
            case DEPLOYED -> "deployed at " + time(fix.deployedAt) + ", not verified yet";
            case VERIFIED -> "verified at " + time(fix.verifiedAt) + (FixDeployment.VERIFIED_BY_PROMOTION
                    .equals(fix.verifiedBy) ? " (its rollout was promoted to all traffic)" : " (its analysis passed)");
            case FAILED -> "FAILED at " + time(fix.failedAt) + (FixDeployment.FAILED_BY_ABORT.equals(fix.failedBy)
                    ? " (its rollout was aborted" : " (its analysis failed")
                    + (fix.failureReason != null ? ": " + t(fix.failureReason) : "") + "): a fix is still needed";
        };
        return "- [" + (status == FixStatus.VERIFIED ? "x" : " ") + "] Fix: " + t(fix.service) + " " + t(fix.version)
                + " (deployment " + code(fix.deploymentId) + ", " + how + "): " + outcome;
    }

    /** Who rolled back, as the summary says it. */
    private static String rolledBack(Incident incident) {
        String fromTo = " from " + t(incident.triggerVersion) + " to " + t(incident.restoredVersion);
        if (ServiceRolledBack.REPORTED_BY_CI.equals(incident.rolledBackBy)) {
            return t(incident.service) + " was rolled back" + fromTo + " outside Lifeguard, with a CD tool (reported by CI),";
        }
        if (ServiceRolledBack.REPORTED_BY_PERSON.equals(incident.rolledBackBy)) {
            return t(incident.service) + " was rolled back by hand" + fromTo + " (reported by a person)";
        }
        return "Lifeguard rolled back" + fromTo;
    }

    /** The end of the impact window of an open incident. */
    private static String ongoing(Incident incident, RollbackOutcome.Result outcome) {
        if (outcome == null) {
            return "ongoing, not resolved yet";
        }
        return switch (outcome) {
            case FAILED -> "ongoing: the rollback failed at " + time(incident.rollbackOutcomeAt) + ", "
                    + t(incident.rollbackOutcomeFromVersion) + " still runs";
            case SKIPPED -> "ongoing: the rollback was not carried out";
            case ACCEPTED -> "ongoing: the rollback was accepted at " + time(incident.rollbackOutcomeAt)
                    + " and waits for completion";
        };
    }

    private static String toVersion(Incident incident) {
        return incident.rollbackOutcomeToVersion == null ? "" : " to " + t(incident.rollbackOutcomeToVersion);
    }

    private static String attempts(Incident incident) {
        Integer attempts = incident.rollbackOutcomeAttempts;
        return attempts == null ? "" : " after " + attempts + " attempt" + (attempts == 1 ? "" : "s");
    }

    /** "1h 2m 3s", "2m 3s", "23s". */
    static String duration(OffsetDateTime from, OffsetDateTime to) {
        Duration duration = Duration.between(from, to);
        if (duration.isNegative()) {
            duration = Duration.ZERO;
        }
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        return hours > 0 ? hours + "h " + minutes + "m " + seconds + "s"
                : minutes > 0 ? minutes + "m " + seconds + "s"
                : seconds + "s";
    }

    private static void section(StringBuilder md, String title) {
        md.append("\n## ").append(title).append("\n\n");
    }

    private static void item(StringBuilder md, String label, String value) {
        md.append("- ").append(label).append(": ").append(value == null ? UNKNOWN : value).append('\n');
    }

    private static String time(OffsetDateTime time) {
        return time == null ? null : TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** An id or a command as a code span; one that could break out of it (a backtick, a line break) as text. */
    private static String code(String value) {
        if (value == null) {
            return null;
        }
        return value.matches("[^`\\r\\n|]+") ? "`" + value + "`" : t(value);
    }

    /** Table cells end at a pipe or a line break: both are escaped with the rest. */
    private static String cell(String text) {
        return text == null ? "" : t(text);
    }
}
