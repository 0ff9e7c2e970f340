package dev.lifeguard.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.demo.DemoFailure;
import dev.lifeguard.launcher.demo.Rest;
import dev.lifeguard.launcher.platform.LifeguardService;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./lifeguard deploy}: tells deploy-service that a version was deployed, as CI does, with a signed CDEvents
 * {@code service.deployed} sent to its CI webhook, then waits (bounded) until the environment shows the version and
 * prints it. Talks to the local platform unless {@code LIFEGUARD_DEPLOY_URL} names another deploy-service.
 */
public final class DeployCommand {

    public static final String URL_VARIABLE = "LIFEGUARD_DEPLOY_URL";
    public static final String SECRET_VARIABLE = "LIFEGUARD_CI_SECRET";
    public static final String SOURCE_VARIABLE = "LIFEGUARD_CI_SOURCE";

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String EVENTS_PATH = "/api/v1/ci/events";
    static final String EVENT_TYPE = "dev.cdevents.service.deployed.0.3.0";
    /** The CDEvents source of the events this command sends. */
    static final String EVENT_SOURCE = "/lifeguard/cli";
    private static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    /** Without a terminal (CI logs) a progress line every this often, instead of one line rewritten in place. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final Map<String, String> environment;
    private final String localDeployUrl;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private final Duration pollInterval;
    private final Credentials credentials;

    /**
     * @param localDeployUrl the local platform's deploy-service, used when {@code LIFEGUARD_DEPLOY_URL} is not set
     * @param interactive    output goes to a terminal: progress rewrites one line
     */
    public DeployCommand(Map<String, String> environment, Credentials credentials, String localDeployUrl,
                         PrintStream out, PrintStream err, boolean interactive) {
        this(environment, credentials, localDeployUrl, out, err, interactive, DEFAULT_POLL_INTERVAL);
    }

    DeployCommand(Map<String, String> environment, Credentials credentials, String localDeployUrl, PrintStream out,
                  PrintStream err, boolean interactive, Duration pollInterval) {
        this.environment = environment;
        this.credentials = credentials;
        this.localDeployUrl = localDeployUrl;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
        this.pollInterval = pollInterval;
    }

    /** Runs with the arguments after {@code deploy}; returns the exit code. */
    public int run(String[] args) {
        DeployOptions options;
        Target target;
        try {
            options = DeployOptions.parse(args);
            target = target();
        } catch (IllegalArgumentException e) {
            err.println("✗ " + e.getMessage());
            err.println(DeployOptions.USAGE);
            return USAGE;
        }
        String eventId = UUID.randomUUID().toString();
        String body = Rest.toJson(event(eventId, options, Instant.now()));
        out.println("Reporting " + options.service() + " " + options.version() + " deployed to "
                + options.environment() + " (event " + eventId + ", CI source '" + target.source() + "') to "
                + target.url() + EVENTS_PATH);

        // reporting a deployment needs the role ci; the person (or CI job) running this is the actor
        String actor = credentials.actor("--by", null, firstNonBlank(value("LIFEGUARD_USER"), value("USER")));
        Rest.Response answer;
        try {
            answer = new Rest().as(credentials, actor, Roles.CI).post(target.url() + EVENTS_PATH, body, Map.of(
                    "Content-Type", "application/json",
                    "X-Lifeguard-Source", target.source(),
                    "X-Lifeguard-Delivery", eventId,
                    CiSignature.HEADER, CiSignature.header(target.secret(), Instant.now(), body)));
        } catch (Rest.Unauthorized e) {
            err.println("✗ " + e.getMessage());
            return FAILED;
        } catch (DemoFailure e) {
            err.println("✗ cannot reach deploy-service at " + target.url() + ": " + rootCause(e));
            err.println(target.local() ? "  Is Lifeguard running? Start it with ./lifeguard up (or set "
                    + URL_VARIABLE + " to another deploy-service)." : "  Check " + URL_VARIABLE + ".");
            return FAILED;
        }
        if (answer.status() != 202 && answer.status() != 200) {
            refused(answer, target);
            return FAILED;
        }
        out.println(answer.status() == 202 ? "✓ deploy-service accepted the event"
                : "✓ deploy-service already had this delivery");
        if (options.waitFor().isZero()) {
            return OK;
        }
        try {
            return awaitVersion(target, options, new Rest().as(credentials, actor, Roles.VIEWER));
        } catch (Rest.Unauthorized e) {
            err.println("\n✗ " + e.getMessage());
            return FAILED;
        }
    }

    private static String firstNonBlank(String first, String second) {
        return first != null ? first : second;
    }

    /** Where to send and how to sign. */
    record Target(String url, String source, String secret, boolean local) {
    }

    private Target target() {
        String configuredUrl = value(URL_VARIABLE);
        String source = value(SOURCE_VARIABLE);
        String secret = value(SECRET_VARIABLE);
        boolean local = configuredUrl == null;
        String url = local ? localDeployUrl : configuredUrl;
        if (!url.matches("(?i)https?://[^\\s/]+(/\\S*)?")) {
            throw new IllegalArgumentException(URL_VARIABLE + " must be deploy-service's http(s) base URL, not '" + url + "'");
        }
        url = url.replaceAll("/+$", "");
        if (secret == null) {
            if (!local || source != null) {
                throw new IllegalArgumentException(SECRET_VARIABLE + " is not set: give the secret of CI source '"
                        + (source == null ? LifeguardService.LOCAL_CI_SOURCE : source)
                        + "' configured in deploy-service (and " + SOURCE_VARIABLE + " its name)");
            }
            // the platform ./lifeguard up started knows this source
            return new Target(url, LifeguardService.LOCAL_CI_SOURCE, LifeguardService.LOCAL_CI_SECRET, true);
        }
        return new Target(url, source == null ? LifeguardService.LOCAL_CI_SOURCE : source, secret, local);
    }

    /** The CDEvent CI would send: the same shape as examples/github-actions/lifeguard-deploy.yml builds. */
    static Map<String, Object> event(String eventId, DeployOptions options, Instant at) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("specversion", "0.5.1");
        context.put("id", eventId);
        context.put("source", EVENT_SOURCE);
        context.put("type", EVENT_TYPE);
        context.put("timestamp", at.truncatedTo(ChronoUnit.MILLIS).toString());
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("environment", Map.of("id", options.environment()));
        content.put("artifactId", "pkg:generic/" + options.service() + "@"
                + URLEncoder.encode(options.version(), StandardCharsets.UTF_8).replace("+", "%20"));
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("id", options.service());
        subject.put("source", EVENT_SOURCE);
        subject.put("content", content);
        Map<String, Object> custom = new LinkedHashMap<>();
        putIfPresent(custom, "image", options.image());
        putIfPresent(custom, "commit", options.commit());
        putIfPresent(custom, "changeUrl", options.changeUrl());
        putIfPresent(custom, "team", options.team());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("context", context);
        event.put("subject", subject);
        event.put("customData", custom);
        return event;
    }

    private void refused(Rest.Response answer, Target target) {
        JsonNode problem = parseOrNull(answer.body());
        String detail = problem != null && problem.hasNonNull("detail") ? problem.get("detail").asText()
                : answer.body() == null || answer.body().isBlank() ? "(no body)" : answer.body().strip();
        String field = problem != null && problem.hasNonNull("field") ? " [" + problem.get("field").asText() + "]" : "";
        err.println("✗ deploy-service refused the event (HTTP " + answer.status() + "): " + detail + field);
        if (answer.status() == 401) {
            err.println(target.local() && value(SECRET_VARIABLE) == null
                    ? "  A platform started before ./lifeguard deploy existed does not know CI source '"
                    + LifeguardService.LOCAL_CI_SOURCE + "': restart it (./lifeguard down && ./lifeguard up)."
                    : "  Check " + SOURCE_VARIABLE + " and " + SECRET_VARIABLE
                    + " against the sources configured in deploy-service.");
        }
    }

    /** Polls the environment view until it shows the version or the wait is over. */
    private int awaitVersion(Target target, DeployOptions options, Rest rest) {
        String url = target.url() + "/api/v1/services/" + encode(options.service()) + "/environments/"
                + encode(options.environment());
        long start = System.nanoTime();
        long deadline = start + options.waitFor().toNanos();
        long nextProgress = start + PROGRESS_EVERY.toNanos();
        String what = options.environment() + " to run " + options.service() + " " + options.version();
        String lastSeen = "nothing yet";
        if (!interactive) {
            out.println("  waiting up to " + options.waitFor().toSeconds() + " s for " + what);
        }
        while (true) {
            JsonNode view = null;
            try {
                Rest.Response response = rest.get(url, "application/json");
                if (response.status() == 200) {
                    view = Rest.json(response.body());
                    lastSeen = "it runs " + view.path("currentVersion").asText("nothing");
                } else if (response.status() != 404) {
                    lastSeen = "deploy-service answered " + response.status();
                }
            } catch (Rest.Unauthorized e) {
                throw e;
            } catch (DemoFailure e) {
                lastSeen = "deploy-service did not answer: " + rootCause(e);
            }
            long now = System.nanoTime();
            double seconds = (now - start) / 1e9;
            if (view != null && options.version().equals(view.path("currentVersion").asText(null))) {
                if (interactive) {
                    out.print("\r\033[K");
                }
                out.printf("✓ %s %s runs in %s (%.1f s)%n%n", options.service(), options.version(),
                        options.environment(), seconds);
                out.print(environmentView(view));
                return OK;
            }
            JsonNode held = view == null ? null : heldBack(view, options.version());
            if (held != null) {
                if (interactive) {
                    out.print("\r\033[K");
                }
                printHeldBack(held, options);
                return OK;
            }
            if (now >= deadline) {
                if (interactive) {
                    out.println();
                }
                err.println("✗ deploy-service accepted the event, but after " + options.waitFor().toSeconds()
                        + " s " + options.environment() + " does not show " + options.service() + " "
                        + options.version() + " (" + lastSeen + "); it may still be applied: see "
                        + (target.local() ? "./lifeguard logs deploy" : "deploy-service's log")
                        + " (a dead-lettered event is on lifeguard.ci.dlq)");
                return FAILED;
            }
            if (interactive) {
                out.printf("\r\033[K  waiting for %s … %.0f s (%s)", what, seconds, lastSeen);
                out.flush();
            } else if (now >= nextProgress) {
                out.printf("  still waiting after %.0f s (%s)%n", seconds, lastSeen);
                nextProgress += PROGRESS_EVERY.toNanos();
            }
            pause(Math.min(pollInterval.toNanos(), Math.max(0, deadline - now)));
        }
    }

    /**
     * The deployment of {@code version} that Lifeguard holds back or rolls out rather than runs at once: GATED (after
     * a rollback, waiting for test evidence) or ROLLING_OUT (a canary or blue-green in progress); else null.
     */
    static JsonNode heldBack(JsonNode view, String version) {
        for (JsonNode deployment : view.path("history")) {
            String status = deployment.path("status").asText("");
            if (version.equals(deployment.path("version").asText()) && (status.equals("GATED") || status.equals("ROLLING_OUT"))) {
                return deployment;
            }
        }
        return null;
    }

    /** What a held-back deployment waits for, and the command that follows or releases it. */
    private void printHeldBack(JsonNode deployment, DeployOptions options) {
        String id = deployment.path("id").asText("?");
        if ("GATED".equals(deployment.path("status").asText())) {
            out.println("✓ " + options.service() + " " + options.version() + " is GATED in " + options.environment()
                    + " (deployment " + id + "): " + deployment.path("gateReason").asText("it waits for test evidence"));
            out.println("  it goes on when CI reports passing tests for it (CDEvents testsuiterun.finished), or:");
            out.println("  ./lifeguard rollout override " + id + " --reason \"<why no tests are needed>\"");
        } else {
            out.println("✓ " + options.service() + " " + options.version() + " is rolling out in " + options.environment()
                    + " (deployment " + id + ", " + deployment.at("/strategy/type").asText("progressive") + "); the"
                    + " running version keeps the rest of the traffic");
            out.println("  follow it: ./lifeguard rollout watch " + id);
        }
    }

    /** The environment view: current version and status, stable version, and what the current deployment says. */
    static String environmentView(JsonNode view) {
        StringBuilder text = new StringBuilder();
        JsonNode current = view.path("current");
        line(text, "service", view.path("service").asText(null));
        line(text, "environment", view.path("environment").asText(null));
        line(text, "current", view.path("currentVersion").asText(null));
        line(text, "status", view.hasNonNull("status") ? view.get("status").asText() : current.path("status").asText(null));
        String stable = view.path("stableVersion").asText(null);
        if (stable != null && view.has("stableVerified")) {
            stable += view.path("stableVerified").asBoolean() ? " (verified)" : " (not verified)";
        }
        line(text, "stable", stable == null ? "none yet" : stable);
        line(text, "deployed at", current.path("deployedAt").asText(null));
        line(text, "commit", current.path("commit").asText(null));
        line(text, "change", current.path("changeUrl").asText(null));
        line(text, "team", current.path("team").asText(null));
        return text.toString();
    }

    private static void line(StringBuilder text, String label, String value) {
        if (value != null && !value.isBlank()) {
            text.append(String.format("  %-13s %s%n", label, value));
        }
    }

    private static void putIfPresent(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private String value(String variable) {
        String value = environment.get(variable);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static JsonNode parseOrNull(String body) {
        try {
            JsonNode node = Rest.json(body);
            return node.isObject() ? node : null;
        } catch (DemoFailure e) {
            return null;
        }
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }

    private static void pause(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for deploy-service", e);
        }
    }
}
