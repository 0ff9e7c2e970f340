package dev.lifeguard.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.lifeguard.launcher.cli.CliSupport.JSON;
import static dev.lifeguard.launcher.cli.CliSupport.baseUrl;
import static dev.lifeguard.launcher.cli.CliSupport.describe;
import static dev.lifeguard.launcher.cli.CliSupport.firstSet;
import static dev.lifeguard.launcher.cli.CliSupport.problem;
import static dev.lifeguard.launcher.cli.CliSupport.seconds;

/**
 * {@code ./lifeguard rollout <action> <deployment id>}: shows a deployment's rollout and gate, and drives them through
 * deploy-service's control API ({@code POST /api/v1/deployments/{id}/promote|pause|resume|abort|override}).
 * {@code watch} follows the rollout, one line per change, until it is promoted, aborted or paused. Exit codes: 0 done
 * (for watch: promoted), 1 refused by deploy-service or (watch) aborted / paused, 2 bad usage or no end within the wait.
 */
public final class RolloutCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final Set<String> ACTIONS = Set.of("status", "watch", "promote", "pause", "resume", "abort", "override");
    private static final Set<String> FINAL_PHASES = Set.of("PROMOTED", "ABORTED");

    static final String USAGE_TEXT = """
            usage: ./lifeguard rollout status|watch|promote|pause|resume|abort|override <deployment id>
                                       [--reason R] [--by NAME] [--full] [--wait SECONDS]

              status    the deployment, its strategy, each step with its analysis verdict, and its gate
              watch     follows the rollout until it is promoted (exit 0), aborted or paused (exit 1)
              promote   ends the current pause and goes on to the next step (--full: all traffic now;
                        blue-green: switch to the new version)
              pause     stops the rollout where it is (--reason)
              resume    goes on after a pause (an inconclusive analysis, a person, a failed step)
              abort     all traffic back to the stable version; --reason is required
              override  releases a deployment GATED for lack of test evidence; --reason is required and recorded

              --by NAME      who acts, for the record and the team's chat (default: $LIFEGUARD_USER, else $USER):
                             the subject of the token the CLI signs (LIFEGUARD_TOKEN: its subject)
              status and watch need the role viewer; the other actions operator (not team-scoped)
              --wait SECONDS how long watch follows the rollout (default 1800)
              LIFEGUARD_DEPLOY_URL (default http://localhost:$LIFEGUARD_DEPLOY_PORT, 8081) names deploy-service.
            """;

    private final String deployUrl;
    private final String defaultActor;
    private final Credentials credentials;
    private final PrintStream out;
    private final PrintStream err;
    private final Duration pollInterval;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    RolloutCommand(String deployUrl, Credentials credentials, String defaultActor, PrintStream out, PrintStream err,
                   Duration pollInterval) {
        this.credentials = credentials;
        this.deployUrl = baseUrl(RollbackCommand.DEPLOY_URL_VARIABLE, deployUrl);
        this.defaultActor = defaultActor;
        this.out = out;
        this.err = err;
        this.pollInterval = pollInterval;
    }

    public static RolloutCommand fromEnvironment(Map<String, String> environment, PlatformSettings settings,
                                                 PrintStream out, PrintStream err) {
        return new RolloutCommand(
                firstSet(environment.get(RollbackCommand.DEPLOY_URL_VARIABLE), settings.serviceUrl(LifeguardService.DEPLOY)),
                Credentials.fromEnvironment(environment, settings.keysDirectory()),
                firstSet(environment.get(RollbackCommand.USER_VARIABLE), environment.get("USER")), out, err,
                Duration.ofSeconds(1));
    }

    /** @param args what follows {@code rollout} on the command line */
    public int run(List<String> args) {
        Options options;
        String actor;
        try {
            options = Options.parse(args);
            actor = options.help() ? null : credentials.actor("--by", options.by(), defaultActor);
        } catch (IllegalArgumentException e) {
            err.println("✗ " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (options.help()) {
            out.print(USAGE_TEXT);
            return OK;
        }
        try {
            return switch (options.action()) {
                case "status" -> {
                    print(get(options.deploymentId(), actor));
                    yield OK;
                }
                case "watch" -> watch(options, actor);
                default -> act(options, actor);
            };
        } catch (Refused refused) {
            err.println("✗ " + refused.getMessage());
            return FAILED;
        }
    }

    /** The actor is the token's subject: the body no longer names one. */
    private int act(Options options, String by) {
        ObjectNode body = JSON.createObjectNode();
        if (options.reason() != null) {
            body.put("reason", options.reason());
        }
        if (options.full()) {
            body.put("full", true);
        }
        HttpRequest request = HttpRequest.newBuilder(deploymentUri(options.deploymentId(), "/" + options.action()))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Authorization", credentials.authorization(by, Roles.OPERATOR))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response = send(request, Roles.OPERATOR);
        if (response.statusCode() / 100 != 2) {
            throw new Refused("deploy-service refused " + options.action() + " of " + options.deploymentId() + ": "
                    + problem(response));
        }
        out.println("✓ " + options.action() + " " + options.deploymentId() + (by != null ? " (by " + by + ")" : ""));
        print(get(options.deploymentId(), by));
        return OK;
    }

    /** Prints one line per change of phase, step or weight until the rollout ends, pauses or the wait is over. */
    private int watch(Options options, String reader) {
        long deadline = System.nanoTime() + options.waitFor().toNanos();
        String shown = null;
        while (true) {
            JsonNode deployment = get(options.deploymentId(), reader);
            String line = progressLine(deployment);
            if (!line.equals(shown)) {
                out.println("  " + line);
                shown = line;
            }
            String phase = deployment.at("/rollout/phase").asText("");
            if (FINAL_PHASES.contains(phase) || "PAUSED".equals(phase)) {
                print(deployment);
                return "PROMOTED".equals(phase) ? OK : FAILED;
            }
            if (System.nanoTime() >= deadline) {
                err.println("✗ the rollout of " + options.deploymentId() + " did not end within "
                        + seconds(options.waitFor()) + "; follow it with ./lifeguard rollout watch " + options.deploymentId());
                return USAGE;
            }
            try {
                CliSupport.pause(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refused("interrupted");
            }
        }
    }

    static String progressLine(JsonNode deployment) {
        JsonNode rollout = deployment.path("rollout");
        String status = deployment.path("status").asText("?");
        if (rollout.isMissingNode() || rollout.isNull()) {
            return status + ("GATED".equals(status) ? ": " + deployment.at("/gate/reason").asText("") : "");
        }
        int index = rollout.path("stepIndex").asInt(-1);
        JsonNode step = index >= 0 ? rollout.path("steps").path(index) : JSON.missingNode();
        return status + ", rollout " + rollout.path("phase").asText("?") + ", step " + (index + 1) + "/"
                + rollout.path("stepCount").asText("?") + (step.isMissingNode() ? "" : " " + describeStep(step))
                + ", " + rollout.path("weight").asText("?") + "% of traffic"
                + (rollout.path("pausedReason").isTextual() ? " (" + rollout.path("pausedReason").asText() + ")" : "");
    }

    private void print(JsonNode deployment) {
        out.println(deployment.path("service").asText("?") + " " + deployment.path("version").asText("?") + " in "
                + deployment.path("environment").asText("?") + ": " + deployment.path("status").asText("?")
                + " (deployment " + deployment.path("id").asText("?") + ", strategy "
                + deployment.at("/strategy/type").asText("all-at-once") + ")");
        JsonNode gate = deployment.path("gate");
        if (gate.isObject()) {
            out.println("  gate: " + gate.path("status").asText("?") + " - " + gate.path("reason").asText("")
                    + (gate.path("releasedBy").isTextual() ? "; released by " + gate.path("releasedBy").asText()
                    + (gate.path("overriddenBy").isTextual() ? " (" + gate.path("overriddenBy").asText() + ": "
                    + gate.path("overrideReason").asText("") + ")" : "") : ""));
        }
        JsonNode rollout = deployment.path("rollout");
        if (rollout.isObject()) {
            out.println("  rollout: " + progressLine(deployment));
            for (JsonNode step : rollout.path("steps")) {
                out.println("    " + (step.path("index").asInt() + 1) + ". " + describeStep(step)
                        + (step.path("verdict").isTextual() ? " → analysis " + step.path("verdict").asText()
                        + (step.path("verdictReason").isTextual() ? ": " + step.path("verdictReason").asText() : "") : ""));
            }
        }
        List<String> fixes = new ArrayList<>();
        deployment.path("fixes").forEach(fix -> fixes.add(fix.asText()));
        if (!fixes.isEmpty()) {
            out.println("  fixes: " + String.join(", ", fixes));
        }
    }

    private static String describeStep(JsonNode step) {
        String kind = step.path("kind").asText("?");
        return switch (kind) {
            case "set-weight" -> "set weight " + step.path("weight").asText("?") + "%";
            case "pause" -> "pause " + (step.path("duration").isTextual() ? step.path("duration").asText() : "until promoted");
            default -> kind;
        };
    }

    private JsonNode get(String deploymentId, String reader) {
        HttpRequest request = HttpRequest.newBuilder(deploymentUri(deploymentId, "")).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("Authorization", credentials.authorization(reader, Roles.VIEWER)).GET().build();
        HttpResponse<String> response = send(request, Roles.VIEWER);
        if (response.statusCode() != 200) {
            throw new Refused("deploy-service GET /api/v1/deployments/" + deploymentId + ": " + problem(response));
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Refused("deploy-service answered something that is not JSON");
        }
    }

    /** @throws Refused also when deploy-service refuses the token (401 / 403): what it needs, how to get it */
    private HttpResponse<String> send(HttpRequest request, String role) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Refused("cannot reach deploy-service at " + deployUrl + " (" + describe(e)
                    + "). Is Lifeguard running (./lifeguard status)? Set " + RollbackCommand.DEPLOY_URL_VARIABLE
                    + " to use another deploy-service.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted while asking deploy-service");
        }
        String refused = credentials.explainRefusal(response.statusCode(), "deploy-service " + request.method() + " "
                + request.uri().getRawPath(), problem(response), role);
        if (refused != null) {
            throw new Refused(refused);
        }
        return response;
    }

    private URI deploymentUri(String deploymentId, String suffix) {
        return URI.create(deployUrl + "/api/v1/deployments/" + URLEncoder.encode(deploymentId, StandardCharsets.UTF_8)
                + suffix);
    }

    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** The command line, checked: a known action, a deployment id, known flags with values. */
    record Options(boolean help, String action, String deploymentId, String reason, String by, boolean full,
                   Duration waitFor) {

        static Options parse(List<String> args) {
            if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
                return new Options(true, null, null, null, null, false, DEFAULT_WAIT);
            }
            String action = args.get(0);
            if (!ACTIONS.contains(action)) {
                throw new IllegalArgumentException("unknown action '" + action + "'; one of " + String.join(", ",
                        ACTIONS.stream().sorted().toList()));
            }
            if (args.size() < 2 || args.get(1).startsWith("--")) {
                throw new IllegalArgumentException(action + " needs a deployment id (see ./lifeguard deploy's output"
                        + " or GET /api/v1/services/{service}/environments/{environment})");
            }
            String reason = null;
            String by = null;
            boolean full = false;
            Duration waitFor = DEFAULT_WAIT;
            for (int i = 2; i < args.size(); i++) {
                String flag = args.get(i);
                if (flag.equals("--full")) {
                    full = true;
                    continue;
                }
                if (!Set.of("--reason", "--by", "--wait").contains(flag)) {
                    throw new IllegalArgumentException("unknown option " + flag);
                }
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args.get(++i).trim();
                switch (flag) {
                    case "--reason" -> reason = value;
                    case "--by" -> by = value;
                    default -> {
                        try {
                            waitFor = Duration.ofSeconds(Long.parseLong(value));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--wait needs a number of seconds, not '" + value + "'");
                        }
                        if (waitFor.isNegative()) {
                            throw new IllegalArgumentException("--wait must not be negative");
                        }
                    }
                }
            }
            if (Set.of("abort", "override").contains(action) && (reason == null || reason.isBlank())) {
                throw new IllegalArgumentException(action + " needs --reason: it is recorded and told to the team");
            }
            if (full && !action.equals("promote")) {
                throw new IllegalArgumentException("--full goes with promote only");
            }
            return new Options(false, action, args.get(1), reason, by, full, waitFor);
        }
    }
}
