package dev.lifeguard.launcher.cli;

import static dev.lifeguard.launcher.cli.CliSupport.abbreviate;
import static dev.lifeguard.launcher.cli.CliSupport.baseUrl;
import static dev.lifeguard.launcher.cli.CliSupport.describe;
import static dev.lifeguard.launcher.cli.CliSupport.firstSet;
import static dev.lifeguard.launcher.cli.CliSupport.problem;
import static dev.lifeguard.launcher.cli.CliSupport.seconds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./lifeguard rollback}: asks rollback-service for a manual rollback ({@code POST /api/v1/rollbacks}), prints
 * the decision, then follows deploy-service ({@code GET /api/v1/rollbacks}) until it reports the outcome or the wait
 * is over. Exit codes: 0 executed or accepted (a CD tool or a person completes it), 1 refused, failed or skipped,
 * 2 no outcome in time, or bad usage.
 */
public final class RollbackCommand {

    public static final String ROLLBACK_URL_VARIABLE = "LIFEGUARD_ROLLBACK_URL";
    public static final String DEPLOY_URL_VARIABLE = "LIFEGUARD_DEPLOY_URL";
    /** Who asks, when {@code --requested-by} is not given (then {@code USER}). */
    public static final String USER_VARIABLE = "LIFEGUARD_USER";

    static final int OK = 0;
    static final int FAILED = 1;
    /** No outcome within the wait; also bad usage, as for every ./lifeguard command. */
    static final int NO_OUTCOME = 2;
    static final int USAGE = 2;

    static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    /** For the curl lines printed: every /api/v1 call needs a token. */
    static final String VIEWER_HEADER = "-H \"Authorization: Bearer $(./lifeguard token --role viewer)\"";
    private static final int POST_ATTEMPTS = 3;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** Outside a terminal, a progress line every this often, besides one per change. */
    private static final Duration QUIET_PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String USAGE_TEXT = """
            usage: ./lifeguard rollback --service S --env E --reason R [--to-version V] [--requested-by NAME]
                                        [--wait SECONDS] [--idempotency-key KEY]
                   ./lifeguard rollback show|approve|reject <id> [--by NAME] [--reason R]
                     (./lifeguard rollback show --help for those)

              Rolls the running deployment of S in E back: rollback-service records a MANUAL decision and
              deploy-service executes it with the target's executor, like an automatic rollback. Then waits
              (--wait, default 60 s; 0: do not wait) for deploy-service's outcome.

              --to-version V       an earlier version that was not rolled back or flagged (default: the stable version)
              --requested-by NAME  who asks, for the record and the team's chat (default: $LIFEGUARD_USER, else $USER):
                                   the subject of the operator token the CLI signs (LIFEGUARD_TOKEN: its subject)
              --idempotency-key K  sent as Idempotency-Key (default: a new one per run); a CI job that may run the
                                   same step twice passes one of its own, e.g. "$GITHUB_RUN_ID-rollback"

              exit 0: rolled back, or accepted (your CD tool or a person completes it); 1: refused, failed or
              skipped; 2: no outcome within the wait, or bad usage
              LIFEGUARD_ROLLBACK_URL (default http://localhost:$LIFEGUARD_ROLLBACK_PORT, 8083) and
              LIFEGUARD_DEPLOY_URL (default http://localhost:$LIFEGUARD_DEPLOY_PORT, 8081) name the services.
            """;

    private final String rollbackUrl;
    private final String deployUrl;
    private final String defaultRequester;
    private final Credentials credentials;
    private final PrintStream out;
    private final PrintStream err;
    private final Duration pollInterval;
    private final boolean interactive;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /**
     * @param pollInterval how often deploy-service is asked, and the base of the delay between attempts of the POST
     * @param interactive  whether {@code out} is a terminal: then the progress line is rewritten in place
     */
    RollbackCommand(String rollbackUrl, String deployUrl, Credentials credentials, String defaultRequester,
                    PrintStream out, PrintStream err,
                    Duration pollInterval, boolean interactive) {
        this.rollbackUrl = baseUrl(ROLLBACK_URL_VARIABLE, rollbackUrl);
        this.deployUrl = baseUrl(DEPLOY_URL_VARIABLE, deployUrl);
        this.defaultRequester = defaultRequester;
        this.credentials = credentials;
        this.out = out;
        this.err = err;
        this.pollInterval = pollInterval;
        this.interactive = interactive;
    }

    /** The services from {@code LIFEGUARD_ROLLBACK_URL} / {@code LIFEGUARD_DEPLOY_URL}, else the local platform's. */
    public static RollbackCommand fromEnvironment(Map<String, String> environment, PlatformSettings settings,
                                                  PrintStream out, PrintStream err) {
        String requester = firstSet(environment.get(USER_VARIABLE), environment.get("USER"));
        return new RollbackCommand(
                firstSet(environment.get(ROLLBACK_URL_VARIABLE), settings.serviceUrl(LifeguardService.ROLLBACK)),
                firstSet(environment.get(DEPLOY_URL_VARIABLE), settings.serviceUrl(LifeguardService.DEPLOY)),
                Credentials.fromEnvironment(environment, settings.keysDirectory()), requester, out, err,
                Duration.ofSeconds(1), System.console() != null);
    }

    /** @param args what follows {@code rollback} on the command line */
    public int run(List<String> args) {
        if (!args.isEmpty() && DecisionCommand.ACTIONS.contains(args.get(0))) {
            return new DecisionCommand(rollbackUrl, credentials, defaultRequester, out, err).run(args);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("✗ " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (options.help()) {
            out.print(USAGE_TEXT);
            return OK;
        }
        String idempotencyKey = options.idempotencyKey() != null ? options.idempotencyKey() : UUID.randomUUID().toString();

        String requestedBy;
        try {
            requestedBy = credentials.actor("--requested-by", options.requestedBy(), defaultRequester);
        } catch (IllegalArgumentException e) {
            err.println("✗ " + e.getMessage());
            return USAGE;
        }
        JsonNode decision;
        try {
            decision = requestRollback(options, requestedBy, idempotencyKey);
        } catch (Refused refused) {
            err.println("✗ " + refused.getMessage());
            return FAILED;
        }
        String id = decision.path("id").asText();
        out.println("✓ Rollback decided: " + id);
        out.println("  " + decision.path("service").asText() + " in " + decision.path("environment").asText() + ": "
                + decision.path("fromVersion").asText() + " -> " + decision.path("toVersion").asText()
                + " (deployment " + decision.path("deploymentId").asText() + ")");
        out.println("  reason: " + decision.path("reason").asText());
        if (options.waitFor().isZero()) {
            out.println("  not waiting for the outcome; follow it with: curl " + VIEWER_HEADER + " '"
                    + rollbacksQuery(options) + "'");
            return OK;
        }
        try {
            return awaitOutcome(id, options, requestedBy);
        } catch (Refused refused) {
            endProgressLine();
            err.println("✗ " + refused.getMessage());
            return FAILED;
        }
    }

    // --- the request -----------------------------------------------------------------------------------------

    /** POSTs the request; a service that is down or restarting is asked again with the same key. */
    private JsonNode requestRollback(Options options, String requestedBy, String idempotencyKey) {
        ObjectNode body = JSON.createObjectNode()
                .put("service", options.service())
                .put("environment", options.environment())
                .put("reason", options.reason());
        if (options.toVersion() != null) {
            body.put("toVersion", options.toVersion());
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(rollbackUrl + "/api/v1/rollbacks"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                // who asks is the token's subject: the body no longer names one
                .header("Authorization", credentials.authorization(requestedBy, Roles.OPERATOR))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        for (int attempt = 1; ; attempt++) {
            String retryBecause;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 201 || response.statusCode() == 200) {
                    return json(response.body());
                }
                String unauthorized = credentials.explainRefusal(response.statusCode(),
                        "rollback-service POST /api/v1/rollbacks", problem(response), Roles.OPERATOR);
                if (unauthorized != null) {
                    throw new Refused(unauthorized);
                }
                if (!retriable(response.statusCode())) {
                    throw new Refused("rollback-service refused the rollback: " + problem(response));
                }
                retryBecause = "rollback-service answered " + problem(response);
                if (attempt == POST_ATTEMPTS) {
                    throw new Refused(retryBecause + " (" + POST_ATTEMPTS + " attempts); nothing may have been"
                            + " decided: run the same command again");
                }
            } catch (IOException e) {
                retryBecause = "cannot reach rollback-service at " + rollbackUrl + " (" + describe(e) + ")";
                if (attempt == POST_ATTEMPTS) {
                    throw new Refused(retryBecause + ". Is Lifeguard running (./lifeguard status)? Set "
                            + ROLLBACK_URL_VARIABLE + " to use another rollback-service.");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refused("interrupted while asking rollback-service");
            }
            Duration delay = pollInterval.multipliedBy(attempt);
            err.println("  " + retryBecause + "; asking again in " + seconds(delay) + " (same Idempotency-Key)");
            pause(delay);
        }
    }

    private static boolean retriable(int status) {
        return status == 502 || status == 503 || status == 504;
    }

    // --- the wait ----------------------------------------------------------------------------------------------

    /** Polls deploy-service until the rollback has a final outcome or the wait is over. */
    private int awaitOutcome(String id, Options options, String reader) {
        long start = System.nanoTime();
        long deadline = start + options.waitFor().toNanos();
        String shown = null;
        long shownAt = start;
        String lastError = null;
        JsonNode rollback = null;
        while (true) {
            try {
                rollback = findRollback(id, options, reader);
                lastError = null;
            } catch (PollFailed e) {
                lastError = e.getMessage();
            }
            String outcome = rollback == null ? null : rollback.path("outcome").asText(null);
            if (outcome != null && isFinal(outcome)) {
                endProgressLine();
                return reportOutcome(id, outcome.toUpperCase(Locale.ROOT), rollback, options);
            }
            long now = System.nanoTime();
            String state = lastError != null ? "cannot ask deploy-service (" + lastError + ")"
                    : rollback == null ? "waiting for deploy-service to receive the request"
                    : "deploy-service is executing it" + executorOf(rollback) + (outcome == null ? "" : " (" + outcome + ")");
            String elapsed = seconds(Duration.ofNanos(now - start)) + " of " + seconds(options.waitFor());
            if (interactive) {
                out.print("\r  … " + state + ", " + elapsed + "   ");
                out.flush();
            } else if (!state.equals(shown) || now - shownAt >= QUIET_PROGRESS_EVERY.toNanos()) {
                out.println("  … " + state + " (" + elapsed + ")");
                shown = state;
                shownAt = now;
            }
            if (now >= deadline) {
                endProgressLine();
                return timedOut(id, options, rollback, lastError);
            }
            pause(Duration.ofNanos(Math.min(pollInterval.toNanos(), Math.max(1, deadline - now))));
        }
    }

    /** @throws Refused when deploy-service refuses the token: asking again would not help */
    private JsonNode findRollback(String id, Options options, String reader) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(rollbacksQuery(options) + "&limit=100"))
                .timeout(REQUEST_TIMEOUT).header("Accept", "application/json")
                .header("Authorization", credentials.authorization(reader, Roles.VIEWER)).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PollFailed(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PollFailed("interrupted");
        }
        String unauthorized = credentials.explainRefusal(response.statusCode(), "deploy-service GET /api/v1/rollbacks",
                problem(response), Roles.VIEWER);
        if (unauthorized != null) {
            throw new Refused(unauthorized);
        }
        if (response.statusCode() != 200) {
            throw new PollFailed("it answered " + problem(response));
        }
        JsonNode rollbacks;
        try {
            rollbacks = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new PollFailed("its answer is not JSON");
        }
        for (JsonNode rollback : rollbacks) {
            if (id.equals(rollback.path("id").asText())) {
                return rollback;
            }
        }
        return null;
    }

    /** EXECUTING (or anything not known yet) is still on its way; these four are what deploy-service ends with. */
    private static boolean isFinal(String outcome) {
        return switch (outcome.toUpperCase(Locale.ROOT)) {
            case "EXECUTED", "ACCEPTED", "FAILED", "SKIPPED" -> true;
            default -> false;
        };
    }

    private int reportOutcome(String id, String outcome, JsonNode rollback, Options options) {
        String detail = detailOf(rollback);
        String target = options.service() + " in " + options.environment();
        switch (outcome) {
            case "EXECUTED" -> {
                out.println("✓ Rolled back: " + target + " runs " + rollback.path("toVersion").asText() + " again"
                        + executorOf(rollback) + (detail.isEmpty() ? "" : ": " + detail));
                return OK;
            }
            case "ACCEPTED" -> {
                out.println("✓ Accepted" + executorOf(rollback) + (detail.isEmpty() ? "" : ": " + detail));
                out.println("  Waiting for your CD tool: the rollback is complete when CI reports service.rolledback"
                        + " for it, or when it is confirmed with");
                out.println("    curl -X POST -H \"Authorization: Bearer $(./lifeguard token --role operator)\" "
                        + deployUrl + "/api/v1/rollbacks/" + id + "/complete");
                return OK;
            }
            case "FAILED" -> {
                err.println("✗ Rollback failed" + executorOf(rollback) + ": " + (detail.isEmpty() ? "no detail" : detail));
                err.println("  " + target + " still runs " + rollback.path("fromVersion").asText()
                        + "; fix the cause and run ./lifeguard rollback again, or roll back with your CD tool");
                return FAILED;
            }
            default -> {
                err.println("✗ Rollback skipped: " + (detail.isEmpty() ? "no detail" : detail));
                return FAILED;
            }
        }
    }

    private int timedOut(String id, Options options, JsonNode rollback, String lastError) {
        err.println("✗ No outcome from deploy-service within " + seconds(options.waitFor()) + ". Decision " + id
                + " is recorded; " + (rollback == null ? "deploy-service has not shown the request yet"
                : "its outcome there is " + rollback.path("outcome").asText("not set yet")) + ".");
        err.println("  check:");
        if (lastError != null) {
            err.println("  - deploy-service at " + deployUrl + " (" + DEPLOY_URL_VARIABLE + "): " + lastError);
        }
        err.println("  - curl " + VIEWER_HEADER + " '" + rollbacksQuery(options) + "'");
        err.println("  - curl " + VIEWER_HEADER + " '" + rollbackUrl + "/api/v1/rollbacks/" + id + "' (rollback-service's decision)");
        err.println("  - that rollback-service published it (curl " + VIEWER_HEADER + " " + rollbackUrl
                + "/api/v1/outbox lists what waits)"
                + " and deploy-service consumes lifeguard.rollbacks (./lifeguard logs deploy)");
        return NO_OUTCOME;
    }

    private String rollbacksQuery(Options options) {
        return deployUrl + "/api/v1/rollbacks?service=" + URLEncoder.encode(options.service(), StandardCharsets.UTF_8)
                + "&environment=" + URLEncoder.encode(options.environment(), StandardCharsets.UTF_8);
    }

    private void endProgressLine() {
        if (interactive) {
            out.println();
        }
    }

    private static String executorOf(JsonNode rollback) {
        String executor = rollback.path("executor").asText("");
        return executor.isEmpty() ? "" : " (executor " + executor + ")";
    }

    private static String detailOf(JsonNode rollback) {
        String detail = rollback.path("outcomeDetail").asText("");
        return detail.isEmpty() ? rollback.path("detail").asText("") : detail;
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new Refused("rollback-service answered something that is not JSON: " + abbreviate(body, 200));
        }
    }

    private static void pause(Duration duration) {
        try {
            CliSupport.pause(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
    }

    /** A request rollback-service did not turn into a decision; the message says why, for people. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private static final class PollFailed extends RuntimeException {
        PollFailed(String message) {
            super(message);
        }
    }

    /** The command line, checked: every flag known, every value present. */
    record Options(String service, String environment, String reason, String toVersion, String requestedBy,
                   String idempotencyKey, Duration waitFor, boolean help) {

        private static final java.util.Set<String> FLAGS = java.util.Set.of("--service", "--env", "--environment",
                "--reason", "--to-version", "--requested-by", "--idempotency-key", "--wait");

        static Options parse(List<String> args) {
            String service = null;
            String environment = null;
            String reason = null;
            String toVersion = null;
            String requestedBy = null;
            String idempotencyKey = null;
            Duration wait = DEFAULT_WAIT;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--help") || arg.equals("-h")) {
                    return new Options(null, null, null, null, null, null, wait, true);
                }
                String flag = arg;
                String value;
                int equals = arg.indexOf('=');
                if (arg.startsWith("--") && equals > 0) {
                    flag = arg.substring(0, equals);
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                    value = args.get(++i);
                } else {
                    value = null;
                }
                if (!flag.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                }
                if (!FLAGS.contains(flag)) {
                    throw new IllegalArgumentException("unknown option " + flag);
                }
                if (value == null || value.isBlank()) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                value = value.trim();
                switch (flag) {
                    case "--service" -> service = value;
                    case "--env", "--environment" -> environment = value;
                    case "--reason" -> reason = value;
                    case "--to-version" -> toVersion = value;
                    case "--requested-by" -> requestedBy = value;
                    case "--idempotency-key" -> idempotencyKey = value;
                    case "--wait" -> wait = waitSeconds(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            List<String> missing = new java.util.ArrayList<>();
            if (service == null) {
                missing.add("--service");
            }
            if (environment == null) {
                missing.add("--env");
            }
            if (reason == null) {
                missing.add("--reason");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("missing " + String.join(", ", missing)
                        + " (a rollback names the service, the environment and why)");
            }
            return new Options(service, environment, reason, toVersion, requestedBy, idempotencyKey, wait, false);
        }

        private static Duration waitSeconds(String value) {
            try {
                long seconds = Long.parseLong(value);
                if (seconds >= 0 && seconds <= 3600) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException ignored) {
                // answered below
            }
            throw new IllegalArgumentException("--wait must be a number of seconds from 0 to 3600, not '" + value + "'");
        }
    }
}
