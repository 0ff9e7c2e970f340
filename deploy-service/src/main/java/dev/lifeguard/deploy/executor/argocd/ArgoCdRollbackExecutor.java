package dev.lifeguard.deploy.executor.argocd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import dev.lifeguard.deploy.executor.support.ExecutorHttp;
import dev.lifeguard.deploy.executor.support.ExecutorSettings;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Rolls an Argo CD Application back through Argo CD's REST API: to the newest history entry
 * ({@code status.history[]}) whose revision or source {@code targetRevision} is the stable version
 * ({@code POST /api/v1/applications/{name}/rollback}), or, when no entry matches, by syncing to that version as a
 * revision ({@code POST .../sync}; a Git tag or Helm chart version of that name).
 * <p>
 * Argo CD applies the operation asynchronously; once it has taken it, the application's desired state is the stable
 * version and Argo CD drives the cluster there (retrying on its own), so the outcome is
 * {@linkplain ExecutionOutcome#done done}: waiting here for the sync would only hold a worker, and whether the
 * restored version is healthy is what the re-analysis after the rollback finds out. A second call for the same
 * rollback finds the operation running (or finished) and does not start another.
 * <p>
 * Argo CD refuses both while the application syncs automatically (it would undo the rollback at once): that fails
 * the rollback at once, saying so.
 */
@ApplicationScoped
@Identifier(ArgoCdRollbackExecutor.NAME)
public class ArgoCdRollbackExecutor implements RollbackExecutor {

    public static final String NAME = "argocd";

    static final String APPLICATION = "application";
    static final String APP_NAMESPACE = "appNamespace";
    static final String PROJECT = "project";
    static final String SERVER = "server";
    /** The sync operation's info entry that records which rollback started it. */
    static final String ROLLBACK_INFO = "lifeguard-rollback-id";
    private static final String CONFIG = "lifeguard.deploy.executors.argocd.";
    private static final Pattern NAME_RULE = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern NAMESPACE_RULE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final String NAME_TEXT = "a Kubernetes object name (lower-case letters, digits, '-' and '.')";
    private static final int MAX_ANSWER_BYTES = 32 * 1024 * 1024;

    private final ArgoCdConfig config;
    private final ObjectMapper mapper;
    private final HttpClient http;

    @Inject
    public ArgoCdRollbackExecutor(ArgoCdConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.http = ExecutorHttp.client(config.connectTimeout());
    }

    @Override
    public ObjectNode validate(ObjectNode settings) {
        ExecutorSettings.allowOnly(settings, Set.of(APPLICATION, APP_NAMESPACE, PROJECT, SERVER));
        ObjectNode normalised = mapper.createObjectNode();
        putIfSet(normalised, APPLICATION,
                ExecutorSettings.optionalMatching(settings, APPLICATION, NAME_RULE, NAME_TEXT));
        putIfSet(normalised, APP_NAMESPACE, ExecutorSettings.optionalMatching(settings, APP_NAMESPACE, NAMESPACE_RULE,
                "a Kubernetes namespace name"));
        putIfSet(normalised, PROJECT, ExecutorSettings.optionalMatching(settings, PROJECT, NAME_RULE, NAME_TEXT));
        String server = ExecutorSettings.optionalText(settings, SERVER, 253);
        if (server != null) {
            if (!config.servers().containsKey(server)) {
                throw new InvalidExecutorSettingsException(SERVER, "setting 'server' must name a server configured in "
                        + CONFIG + "servers.<name>" + (config.servers().isEmpty() ? " (none is)"
                        : "; configured: " + String.join(", ", new TreeSet<>(config.servers().keySet()))));
            }
            normalised.put(SERVER, server);
        } else if (config.url().isEmpty()) {
            throw new InvalidExecutorSettingsException(SERVER, "no default Argo CD server is configured ("
                    + CONFIG + "url): set 'server' to one of " + CONFIG + "servers.<name>");
        }
        return normalised;
    }

    @Override
    public ExecutionOutcome execute(RollbackPlan plan, ObjectNode settings) {
        ExecutorSettings.requireStableVersion(plan);
        Endpoint argo = endpoint(ExecutorSettings.text(settings, SERVER));
        String application = ExecutorSettings.text(settings, APPLICATION) != null
                ? ExecutorSettings.text(settings, APPLICATION) : plan.service();
        Scope scope = new Scope(ExecutorSettings.text(settings, APP_NAMESPACE),
                ExecutorSettings.text(settings, PROJECT));
        String what = "Argo CD application " + application;
        String version = plan.toVersion();

        JsonNode app = answerOrThrow(ExecutorHttp.send(http,
                argo.request("/api/v1/applications/" + application + scope.query()).GET().build(),
                MAX_ANSWER_BYTES, what), argo, what + " could not be read");
        if (syncsAutomatically(app)) {
            throw new ExecutionFailedException(what + " syncs automatically (spec.syncPolicy.automated), and Argo CD"
                    + " refuses to roll back or sync to an older revision while it does: turn automated sync off for"
                    + " it, or roll back in Git");
        }
        JsonNode match = newestHistoryEntryFor(app, version);
        String revision = match != null ? match.path("revision").asText(version) : version;

        JsonNode operation = app.path("status").path("operationState");
        String phase = operation.path("phase").asText("");
        boolean operationRunning = !app.path("operation").isMissingNode() && !app.path("operation").isNull()
                || phase.equals("Running") || phase.equals("Terminating");
        if (operationRunning) {
            if (startedBy(operation, plan.rollbackId()) || revision.equals(operationRevision(operation))) {
                return ExecutionOutcome.done(what + " is already rolling back to " + version + " (revision "
                        + revision + ")");
            }
            throw new TransientExecutionException(what + " has another operation in progress (" + phase + ")");
        }
        if (match != null && match == newestHistoryEntry(app)) {
            return ExecutionOutcome.done(what + " already runs " + version + " (history " + match.path("id").asText()
                    + ", revision " + revision + ")");
        }

        ObjectNode body = mapper.createObjectNode();
        String path;
        String done;
        if (match != null) {
            body.put("id", match.path("id").asLong());
            body.put("prune", false);
            path = "/rollback";
            done = what + " is rolling back to history " + match.path("id").asText() + " (" + version + ", revision "
                    + revision + ")";
        } else {
            if (app.path("spec").path("sources").size() > 0) {
                throw new ExecutionFailedException(what + " has several sources and no deployment history entry for "
                        + version + ", and a multi-source application cannot be synced to one revision");
            }
            body.put("revision", version);
            body.put("prune", false);
            ObjectNode info = body.putArray("infos").addObject();
            info.put("name", ROLLBACK_INFO);
            info.put("value", plan.rollbackId());
            path = "/sync";
            done = what + " is syncing to revision " + version + " (no deployment history entry matched it)";
        }
        scope.addTo(body);
        answerOrThrow(ExecutorHttp.send(http,
                argo.request("/api/v1/applications/" + application + path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json(body))).build(),
                MAX_ANSWER_BYTES, what), argo, what + " was not rolled back");
        return ExecutionOutcome.done(done);
    }

    /** Automated sync: {@code spec.syncPolicy.automated} present and not switched off ({@code enabled: false}). */
    private static boolean syncsAutomatically(JsonNode app) {
        JsonNode automated = app.path("spec").path("syncPolicy").path("automated");
        return automated.isObject() && automated.path("enabled").asBoolean(true);
    }

    /** The newest deployment history entry whose revision or source target revision is {@code version}. */
    private static JsonNode newestHistoryEntryFor(JsonNode app, String version) {
        JsonNode newest = null;
        for (JsonNode entry : app.path("status").path("history")) {
            if (deployed(entry, version) && (newest == null || id(entry) > id(newest))) {
                newest = entry;
            }
        }
        return newest;
    }

    private static boolean deployed(JsonNode entry, String version) {
        if (version.equals(entry.path("revision").asText(null))
                || version.equals(entry.path("source").path("targetRevision").asText(null))) {
            return true;
        }
        for (JsonNode revision : entry.path("revisions")) {
            if (version.equals(revision.asText())) {
                return true;
            }
        }
        for (JsonNode source : entry.path("sources")) {
            if (version.equals(source.path("targetRevision").asText(null))) {
                return true;
            }
        }
        return false;
    }

    /** The entry the application was last deployed from. */
    private static JsonNode newestHistoryEntry(JsonNode app) {
        JsonNode newest = null;
        for (JsonNode entry : app.path("status").path("history")) {
            if (newest == null || id(entry) > id(newest)) {
                newest = entry;
            }
        }
        return newest;
    }

    private static long id(JsonNode historyEntry) {
        return historyEntry.path("id").asLong();
    }

    private static boolean startedBy(JsonNode operationState, String rollbackId) {
        for (JsonNode info : operationState.path("operation").path("info")) {
            if (ROLLBACK_INFO.equals(info.path("name").asText()) && rollbackId.equals(info.path("value").asText())) {
                return true;
            }
        }
        return false;
    }

    private static String operationRevision(JsonNode operationState) {
        return operationState.path("operation").path("sync").path("revision").asText(null);
    }

    /**
     * The answer's JSON when 2xx. Argo CD answers errors as {@code {"error", "code", "message"}} (gRPC codes):
     * another operation in progress is retried, auto-sync refusals and other 4xx fail at once.
     */
    private JsonNode answerOrThrow(ExecutorHttp.Answer answer, Endpoint argo, String what) {
        if (answer.successful()) {
            return parse(answer.body());
        }
        int status = answer.status();
        JsonNode error = parse(answer.body());
        String message = ExecutorHttp.excerpt(error.path("message").asText(error.path("error").asText(answer.body())),
                argo.token());
        String said = " (HTTP " + status + (message.isEmpty() ? "" : ": " + message) + ")";
        if (ExecutorHttp.retryable(status) || message.contains("another operation is already in progress")) {
            throw new TransientExecutionException(what + said);
        }
        String hint = switch (status) {
            case 401 -> ": Argo CD refused the token in " + argo.tokenKey();
            case 403, 404 -> ": no such application, or the token may not read or sync it";
            default -> message.contains("auto-sync") ? ": turn automated sync off for it, or roll back in Git" : "";
        };
        throw new ExecutionFailedException(what + hint + said);
    }

    private Endpoint endpoint(String server) {
        if (server == null) {
            String url = config.url().orElseThrow(() -> new ExecutionFailedException(
                    "no Argo CD server: set " + CONFIG + "url, or the target's argocd.server"));
            return new Endpoint(url, config.token().orElse(null), CONFIG + "token", config.requestTimeout());
        }
        ArgoCdConfig.Server configured = config.servers().get(server);
        if (configured == null) {
            throw new ExecutionFailedException("Argo CD server '" + server + "' is no longer configured in "
                    + CONFIG + "servers");
        }
        return new Endpoint(configured.url(), configured.token().orElse(null), CONFIG + "servers." + server + ".token",
                config.requestTimeout());
    }

    /** A configured Argo CD server; {@link #toString()} leaves the token out. */
    private record Endpoint(String url, String token, String tokenKey, Duration requestTimeout) {

        Endpoint {
            if (token == null || token.isBlank()) {
                throw new ExecutionFailedException("no Argo CD token: set " + tokenKey);
            }
            url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }

        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(requestTimeout)
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json")
                    .header("User-Agent", "lifeguard-deploy-service");
        }

        @Override
        public String toString() {
            return "Endpoint[" + url + "]";
        }
    }

    /** The optional application namespace and project, as query parameters and request body fields. */
    private record Scope(String appNamespace, String project) {

        String query() {
            StringBuilder query = new StringBuilder();
            if (appNamespace != null) {
                query.append(query.isEmpty() ? "?" : "&").append("appNamespace=").append(encode(appNamespace));
            }
            if (project != null) {
                query.append(query.isEmpty() ? "?" : "&").append("project=").append(encode(project));
            }
            return query.toString();
        }

        void addTo(ObjectNode body) {
            if (appNamespace != null) {
                body.put(APP_NAMESPACE, appNamespace);
            }
            if (project != null) {
                body.put(PROJECT, project);
            }
        }

        private static String encode(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }

    private static void putIfSet(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : mapper.readTree(body);
            return node == null ? mapper.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            return mapper.createObjectNode();
        }
    }

    private String json(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON object could not be written", e);
        }
    }
}
