package dev.lifeguard.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.cli.DecisionText;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * {@code ./lifeguard demo --approval} waiting for the answer to rollback-service's approval request. It polls
 * {@code GET /api/v1/rollbacks/{id}}, so an answer sent with curl or {@code ./lifeguard rollback approve} from another
 * terminal continues the demo; with a terminal it also reads {@code y} / {@code n} (then a reason) typed there; without
 * one and without an answer within the wait, it approves as the demo's operator and says so. In a terminal the person
 * there decides: no self-approval, the wait ends when rollback-service settles the request (the policy's approval
 * timeout holds it).
 */
final class ApprovalWait {

    /** Who approves when nobody answered and there is no terminal to ask. */
    static final String DEMO_OPERATOR = "lifeguard-demo";
    private static final String END_OF_INPUT = "\u0000end";

    enum Kind {
        /** Approved, by a person or the demo: the rollback is executed. */
        APPROVED,
        REJECTED,
        /** Nobody answered before the deadline; the policy held it (still approvable by hand, not by the demo). */
        HELD,
        /** Nobody answered before the deadline; the policy rolled back (onApprovalTimeout rollback). */
        ROLLED_BACK_ON_TIMEOUT
    }

    /** How the request was settled, by whom and why, and the decision as rollback-service shows it then. */
    record Outcome(Kind kind, String by, String reason, boolean byTheDemo, JsonNode decision) {

        boolean rollsBack() {
            return kind == Kind.APPROVED || kind == Kind.ROLLED_BACK_ON_TIMEOUT;
        }
    }

    private final Rest rest;
    private final Credentials credentials;
    private final String rollbackServiceUrl;
    private final String decisionId;
    private final StepLog log;
    private final BufferedReader terminal;
    private final String person;
    private final Duration selfApproveAfter;
    private final Duration progressEvery;
    private final Duration bound;
    private final Consumer<Duration> idle;
    private final Duration poll;
    private final BlockingQueue<String> typed = new LinkedBlockingQueue<>();

    /**
     * @param terminal         where a person types y / n; null when there is no terminal
     * @param person           who answers in the terminal, for the record
     * @param selfApproveAfter without a terminal: how long to wait for an answer before the demo approves
     * @param bound            how long past the approval deadline rollback-service may take to settle it
     * @param idle             waits between polls (the demo reads its topics meanwhile)
     */
    ApprovalWait(Rest rest, Credentials credentials, String rollbackServiceUrl, String decisionId, StepLog log,
                 BufferedReader terminal,
                 String person, Duration selfApproveAfter, Duration progressEvery, Duration bound,
                 Consumer<Duration> idle, Duration poll) {
        this.rest = rest.as(credentials, person, Roles.VIEWER);
        this.credentials = credentials;
        this.rollbackServiceUrl = rollbackServiceUrl;
        this.decisionId = decisionId;
        this.log = log;
        this.terminal = terminal;
        this.person = person;
        this.selfApproveAfter = selfApproveAfter;
        this.progressEvery = progressEvery;
        this.bound = bound;
        this.idle = idle;
        this.poll = poll;
    }

    /** How to answer: the exact curl and CLI lines, and what the demo does meanwhile. */
    static List<String> instructions(String rollbackServiceUrl, String id, boolean interactive, Duration selfApproveAfter) {
        String base = rollbackServiceUrl + "/api/v1/rollbacks/" + encode(id);
        List<String> lines = new ArrayList<>();
        lines.add("answer it from another terminal:");
        String token = "-H \"Authorization: Bearer $(./lifeguard token --role operator --subject you)\"";
        lines.add("  curl -X POST " + base + "/approve " + token + " -H 'Content-Type: application/json' -d '{}'");
        lines.add("  curl -X POST " + base + "/reject " + token + " -H 'Content-Type: application/json'"
                + " -d '{\"reason\":\"why\"}'");
        lines.add("  ./lifeguard rollback approve " + id + " --by you");
        lines.add("  ./lifeguard rollback reject " + id + " --by you --reason \"why\"");
        if (interactive) {
            lines.add("or here: type y (approve) or n (reject), then Enter");
        } else {
            lines.add("no terminal here to ask: without an answer within " + selfApproveAfter.toSeconds()
                    + " s the demo approves as its operator (" + DEMO_OPERATOR + ")");
        }
        return lines;
    }

    /** Waits until the request is settled; returns how. */
    Outcome await() {
        boolean interactive = terminal != null;
        if (interactive) {
            startReading();
            log.plain("approve the rollback? [y/n] ");
        }
        long start = System.nanoTime();
        long lastProgress = start;
        boolean awaitingReason = false;
        boolean selfApproved = false;
        String pollProblem = null;
        long hardDeadline = Long.MAX_VALUE;
        while (true) {
            JsonNode decision = null;
            try {
                Rest.Response response = rest.get(decisionUrl(), "application/json");
                if (response.status() == 200) {
                    decision = Rest.json(response.body());
                    pollProblem = null;
                } else {
                    pollProblem = noteProblem(pollProblem, "GET " + decisionUrl() + " answered " + response.status()
                            + " " + response.body());
                }
            } catch (DemoFailure e) {
                pollProblem = noteProblem(pollProblem, e.getMessage());
            }
            if (decision != null) {
                Outcome settled = settled(decision, selfApproved);
                if (settled != null) {
                    return settled;
                }
                if (hardDeadline == Long.MAX_VALUE) {
                    hardDeadline = hardDeadline(decision, start);
                }
            }
            long now = System.nanoTime();
            if (now > hardDeadline) {
                throw new DemoFailure("rollback " + decisionId + " is still not settled " + bound.toSeconds()
                        + " s after its approval deadline; see rollback-service's log");
            }

            String line = typed.poll();
            if (END_OF_INPUT.equals(line)) {
                interactive = false;
                start = now;
                log.step("the terminal closed its input: without an answer within " + selfApproveAfter.toSeconds()
                        + " s the demo approves as its operator");
            } else if (line != null) {
                String answer = line.strip();
                if (awaitingReason) {
                    awaitingReason = false;
                    Outcome outcome = answer("reject", person, answer.isEmpty() ? "rejected in the demo's terminal" : answer);
                    if (outcome != null) {
                        return outcome;
                    }
                } else {
                    String word = answer.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
                    String said = answer.contains(" ") ? answer.substring(answer.indexOf(' ') + 1).strip() : "";
                    if (word.equals("y") || word.equals("yes")) {
                        Outcome outcome = answer("approve", person, said.isEmpty() ? "approved in the demo's terminal" : said);
                        if (outcome != null) {
                            return outcome;
                        }
                    } else if ((word.equals("n") || word.equals("no")) && !said.isEmpty()) {
                        Outcome outcome = answer("reject", person, said);
                        if (outcome != null) {
                            return outcome;
                        }
                    } else if (word.equals("n") || word.equals("no")) {
                        awaitingReason = true;
                        log.plain("why? (one line, recorded and told to the team; Enter alone: \"rejected in the"
                                + " demo's terminal\") ");
                    } else if (!answer.isEmpty()) {
                        log.plain("answer y or n (or answer with curl / ./lifeguard rollback from another terminal) ");
                    }
                }
            }

            // the progress first: a wait that ends in the demo's own approval has shown at least one
            if (now - lastProgress >= progressEvery.toNanos()) {
                lastProgress = now;
                long waited = Duration.ofNanos(now - start).toSeconds();
                log.step("… waiting for the answer, " + waited + " s"
                        + (interactive ? " (type y or n, or answer from another terminal)"
                        : selfApproved ? " (approved by the demo, waiting for rollback-service to show it)"
                        : " of " + selfApproveAfter.toSeconds() + " s, then the demo approves")
                        + (decision == null ? "" : "; rollback " + decisionId + " is "
                        + DecisionText.value(decision.path("decision"))));
            }
            if (!interactive && !selfApproved && now - start >= selfApproveAfter.toNanos()) {
                selfApproved = true;
                log.step("no answer within " + selfApproveAfter.toSeconds() + " s and no terminal to ask: the demo"
                        + " approves as its operator (" + DEMO_OPERATOR + ")");
                Outcome outcome = answer("approve", DEMO_OPERATOR, "no answer within " + selfApproveAfter.toSeconds()
                        + " s: approved by the demo as its operator");
                if (outcome != null) {
                    return outcome;
                }
            }
            idle.accept(poll);
        }
    }

    /** The wait between two polls when nothing else is to be done meanwhile. */
    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted while waiting for the approval", e);
        }
    }

    /** The outcome when rollback-service shows the request settled; null while it waits. */
    private Outcome settled(JsonNode decision, boolean selfApproved) {
        String state = decision.path("decision").asText("");
        JsonNode approval = decision.path("approval");
        String by = firstText(approval.path("settledBy"), decision.path("settledBy"));
        String reason = firstText(approval.path("settleReason"), decision.path("settleReason"));
        return switch (state) {
            case "APPROVED" -> new Outcome(Kind.APPROVED, by, reason, selfApproved && DEMO_OPERATOR.equals(by), decision);
            case "REJECTED" -> new Outcome(Kind.REJECTED, by, reason, false, decision);
            case "HELD" -> "timeout".equals(by) || approval.hasNonNull("escalatedAt")
                    ? new Outcome(Kind.HELD, by, reason, false, decision) : null;
            case "ROLL_BACK" -> new Outcome(Kind.ROLLED_BACK_ON_TIMEOUT, by, reason, false, decision);
            default -> null;
        };
    }

    /**
     * POSTs the answer; its 200 view ends the wait when it shows the request settled. A refusal (someone answered
     * the other way first: 409) is shown and the wait goes on: the next poll tells how it was settled.
     */
    private Outcome answer(String action, String by, String reason) {
        // who answers is the operator token's subject: the body no longer names one
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", reason);
        String url = decisionUrl() + "/" + action;
        Rest.Response response = rest.as(credentials, by, Roles.OPERATOR).post(url, Rest.toJson(body),
                Map.of("Content-Type", "application/json"));
        if (response.status() != 200) {
            log.step("POST " + url + " → " + response.status() + ": " + problem(response.body()));
            return null;
        }
        log.step("POST " + url + " as " + by + " (operator token) {reason: \"" + reason + "\"} → 200");
        return settled(Rest.json(response.body()), DEMO_OPERATOR.equals(by));
    }

    private void startReading() {
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = terminal.readLine()) != null) {
                    typed.add(line);
                }
            } catch (IOException ignored) {
                // a closed terminal: the same as its end
            }
            typed.add(END_OF_INPUT);
        }, "demo-approval-terminal");
        reader.setDaemon(true);
        reader.start();
    }

    /** The approval deadline plus the bound, else the start plus the policy's timeout plus the bound. */
    private long hardDeadline(JsonNode decision, long startNanos) {
        String deadline = decision.at("/approval/deadline").asText("");
        try {
            Duration left = Duration.between(Instant.now(), Instant.parse(deadline));
            return System.nanoTime() + Math.max(0, left.toNanos()) + bound.toNanos();
        } catch (DateTimeParseException e) {
            return startNanos + Duration.ofMinutes(15).toNanos() + bound.toNanos();
        }
    }

    private String noteProblem(String previous, String problem) {
        if (!problem.equals(previous)) {
            log.step("! cannot read rollback " + decisionId + " (" + problem + "); asking again");
        }
        return problem;
    }

    private String decisionUrl() {
        return rollbackServiceUrl + "/api/v1/rollbacks/" + encode(decisionId);
    }

    /** {@code 409 Conflict: … (field: decision)} from problem+json, else the body. */
    static String problem(String body) {
        try {
            JsonNode problem = Rest.json(body);
            if (problem.has("detail")) {
                return problem.path("title").asText("") + ": " + problem.path("detail").asText()
                        + (problem.hasNonNull("field") ? " (field: " + problem.path("field").asText() + ")" : "");
            }
        } catch (DemoFailure ignored) {
            // not JSON: shown as is
        }
        return body;
    }

    private static String firstText(JsonNode first, JsonNode second) {
        return first.isTextual() ? first.asText() : second.isTextual() ? second.asText() : null;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
