package dev.lifeguard.deploy.executor.argocd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import dev.lifeguard.deploy.executor.support.ExecutorHttp;
import dev.lifeguard.deploy.executor.support.ExecutorSettings;
import dev.lifeguard.support.net.OutboundUrlGuard;
import dev.lifeguard.support.net.PinnedHttpClient;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * <p>
 * Rollout steps set Helm parameters of the application ({@code lifeguard.canary.enabled}, {@code .weight},
 * {@code .version}, {@code .image}, {@code .strategy}; a promotion sets the chart's own version parameter, the
 * target's {@code versionParameter}, default {@value #DEFAULT_VERSION_PARAMETER}), record the step as JSON in the
 * application's annotation {@value #ROLLOUT_STEP_ANNOTATION}, and sync. The chart turns the parameters into a canary
 * or preview. The update carries the application's resourceVersion, so a concurrent change is answered 409 and
 * retried; a second call for the same step finds the parameters set and its sync started, and does not sync again.
 */
@ApplicationScoped
@Identifier(ArgoCdRollbackExecutor.NAME)
public class ArgoCdRollbackExecutor implements RollbackExecutor {

    public static final String NAME = "argocd";

    static final String APPLICATION = "application";
    static final String APP_NAMESPACE = "appNamespace";
    static final String PROJECT = "project";
    static final String SERVER = "server";
    static final String VERSION_PARAMETER = "versionParameter";
    static final String DEFAULT_VERSION_PARAMETER = "image.tag";
    static final String ROLLOUT_STEP_ANNOTATION = "lifeguard.dev/rollout-step";
    /** The sync operation's info entry that records which rollout step started it. */
    static final String STEP_INFO = "lifeguard-rollout-step";
    static final String CANARY_ENABLED = "lifeguard.canary.enabled";
    static final String CANARY_WEIGHT = "lifeguard.canary.weight";
    static final String CANARY_VERSION = "lifeguard.canary.version";
    static final String CANARY_IMAGE = "lifeguard.canary.image";
    static final String CANARY_STRATEGY = "lifeguard.canary.strategy";
    private static final Pattern PARAMETER_RULE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\[\\]-]{0,252}");
    /** The sync operation's info entry that records which rollback started it. */
    static final String ROLLBACK_INFO = "lifeguard-rollback-id";
    private static final String CONFIG = "lifeguard.deploy.executors.argocd.";
    private static final Pattern NAME_RULE = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern NAMESPACE_RULE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final String NAME_TEXT = "a Kubernetes object name (lower-case letters, digits, '-' and '.')";
    private static final int MAX_ANSWER_BYTES = 32 * 1024 * 1024;

    private final ArgoCdConfig config;
    private final ObjectMapper mapper;
    private final ExecutorHttp http;

    @Inject
    public ArgoCdRollbackExecutor(ArgoCdConfig config, ObjectMapper mapper, PinnedHttpClient http) {
        this(config, mapper, http, InetAddress::getAllByName);
    }

    /**
     * Argo CD servers are the operator's: vetted before each call with private networks allowed unless
     * {@code allow-private-network=false} (cloud metadata never), and called at the vetted address.
     *
     * @param resolver resolves the servers' hosts (replaceable in tests)
     */
    public ArgoCdRollbackExecutor(ArgoCdConfig config, ObjectMapper mapper, PinnedHttpClient http,
                                  OutboundUrlGuard.Resolver resolver) {
        this.config = config;
        this.mapper = mapper;
        this.http = new ExecutorHttp(http, new OutboundUrlGuard(config.allowPrivateNetwork(),
                CONFIG + "allow-private-network", resolver), "Argo CD server URL", config.connectTimeout(),
                config.requestTimeout());
    }

    @Override
    public ObjectNode validate(ObjectNode settings) {
        ExecutorSettings.allowOnly(settings, Set.of(APPLICATION, APP_NAMESPACE, PROJECT, SERVER, VERSION_PARAMETER));
        ObjectNode normalised = mapper.createObjectNode();
        putIfSet(normalised, APPLICATION,
                ExecutorSettings.optionalMatching(settings, APPLICATION, NAME_RULE, NAME_TEXT));
        putIfSet(normalised, APP_NAMESPACE, ExecutorSettings.optionalMatching(settings, APP_NAMESPACE, NAMESPACE_RULE,
                "a Kubernetes namespace name"));
        putIfSet(normalised, PROJECT, ExecutorSettings.optionalMatching(settings, PROJECT, NAME_RULE, NAME_TEXT));
        putIfSet(normalised, VERSION_PARAMETER, ExecutorSettings.optionalMatching(settings, VERSION_PARAMETER,
                PARAMETER_RULE, "a Helm parameter name, such as image.tag"));
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

        JsonNode app = answerOrThrow(http.send("GET", argo.url("/api/v1/applications/" + application + scope.query()),
                argo.headers(), null, MAX_ANSWER_BYTES, what), argo, what + " could not be read");
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
        answerOrThrow(http.send("POST", argo.url("/api/v1/applications/" + application + path), argo.jsonHeaders(),
                bytes(json(body)), MAX_ANSWER_BYTES, what), argo, what + " was not rolled back");
        return ExecutionOutcome.done(done);
    }

    @Override
    public boolean runsRollouts() {
        return true;
    }

    @Override
    public ExecutionOutcome applyStep(RolloutStep step, ObjectNode settings) {
        Endpoint argo = endpoint(ExecutorSettings.text(settings, SERVER));
        String application = ExecutorSettings.text(settings, APPLICATION) != null
                ? ExecutorSettings.text(settings, APPLICATION) : step.service();
        Scope scope = new Scope(ExecutorSettings.text(settings, APP_NAMESPACE),
                ExecutorSettings.text(settings, PROJECT));
        String versionParameter = ExecutorSettings.text(settings, VERSION_PARAMETER) != null
                ? ExecutorSettings.text(settings, VERSION_PARAMETER) : DEFAULT_VERSION_PARAMETER;
        String what = "Argo CD application " + application;
        String applied = what + " " + describe(step, versionParameter);

        JsonNode app = answerOrThrow(http.send("GET", argo.url("/api/v1/applications/" + application + scope.query()),
                argo.headers(), null, MAX_ANSWER_BYTES, what), argo, what + " could not be read");
        if (syncsAutomatically(app)) {
            throw new ExecutionFailedException(what + " syncs automatically (spec.syncPolicy.automated): Lifeguard"
                    + " does not change the parameters of an application that Argo CD syncs from Git on its own;"
                    + " turn automated sync off for it");
        }
        if (app.path("spec").path("sources").size() > 0) {
            throw new ExecutionFailedException(what + " has several sources: rollout steps set Helm parameters of"
                    + " a single-source application");
        }
        JsonNode source = app.path("spec").path("source");
        if (source.has("kustomize") || source.has("directory") || source.has("plugin")) {
            throw new ExecutionFailedException(what + " is no Helm application: rollout steps set Helm parameters");
        }
        Map<String, String> wanted = parameters(step, versionParameter);
        JsonNode parameters = source.path("helm").path("parameters");
        boolean recorded = step.stepId().equals(recordedStepId(app));
        boolean parametersSet = wanted.entrySet().stream()
                .allMatch(p -> p.getValue().equals(parameter(parameters, p.getKey())));

        JsonNode operation = app.path("status").path("operationState");
        String phase = operation.path("phase").asText("");
        boolean operationRunning = !app.path("operation").isMissingNode() && !app.path("operation").isNull()
                || phase.equals("Running") || phase.equals("Terminating");
        if (recorded && parametersSet && hasInfo(operation, STEP_INFO, step.stepId())) {
            return ExecutionOutcome.done(applied + " (already " + (operationRunning ? "syncing" : "synced") + ")");
        }
        if (operationRunning) {
            throw new TransientExecutionException(what + " has another operation in progress (" + phase + ")");
        }
        if (!recorded || !parametersSet) {
            ObjectNode updated = app.deepCopy();
            updated.remove("status");
            updated.remove("operation");
            object(object(updated, "metadata"), "annotations").put(ROLLOUT_STEP_ANNOTATION, json(stepJson(step)));
            ObjectNode helm = object(object(object(updated, "spec"), "source"), "helm");
            helm.set("parameters", merged(parameters, wanted));
            StringBuilder query = new StringBuilder("?validate=true");
            if (scope.project() != null) {
                query.append("&project=").append(URLEncoder.encode(scope.project(), StandardCharsets.UTF_8));
            }
            // the body carries metadata.resourceVersion from the read: a change in between is answered 409
            answerOrThrow(http.send("PUT", argo.url("/api/v1/applications/" + application + query),
                    argo.jsonHeaders(), bytes(json(updated)), MAX_ANSWER_BYTES, what), argo, what + " was not updated");
        }
        ObjectNode sync = mapper.createObjectNode();
        sync.put("prune", false);
        ObjectNode info = sync.putArray("infos").addObject();
        info.put("name", STEP_INFO);
        info.put("value", step.stepId());
        scope.addTo(sync);
        answerOrThrow(http.send("POST", argo.url("/api/v1/applications/" + application + "/sync"),
                argo.jsonHeaders(), bytes(json(sync)), MAX_ANSWER_BYTES, what), argo, what + " was not synced");
        return ExecutionOutcome.done(applied + "; syncing");
    }

    /**
     * The Helm parameters of a step. set-weight: the canary (or blue-green preview, weight 0) runs the new version;
     * promote: the chart's version parameter is the new version and the canary goes; abort: the canary goes, the
     * chart's version stays the stable one.
     */
    private static Map<String, String> parameters(RolloutStep step, String versionParameter) {
        Map<String, String> parameters = new LinkedHashMap<>();
        switch (step.action()) {
            case SET_WEIGHT -> {
                parameters.put(CANARY_ENABLED, "true");
                parameters.put(CANARY_STRATEGY, step.strategy());
                parameters.put(CANARY_WEIGHT, Integer.toString(step.weight()));
                parameters.put(CANARY_VERSION, step.version());
                if (step.image() != null) {
                    parameters.put(CANARY_IMAGE, step.image());
                }
            }
            case PROMOTE -> {
                parameters.put(versionParameter, step.version());
                parameters.put(CANARY_ENABLED, "false");
                parameters.put(CANARY_WEIGHT, "0");
            }
            case ABORT -> {
                parameters.put(CANARY_ENABLED, "false");
                parameters.put(CANARY_WEIGHT, "0");
            }
        }
        return parameters;
    }

    private static String describe(RolloutStep step, String versionParameter) {
        return switch (step.action()) {
            case SET_WEIGHT -> step.strategy().equals("blue-green")
                    ? "previews " + step.version() + " (" + CANARY_ENABLED + "=true, weight 0)"
                    : "sends " + step.weight() + "% of the traffic to " + step.version() + " (" + CANARY_WEIGHT + "="
                    + step.weight() + ")";
            case PROMOTE -> "promotes " + step.version() + " (" + versionParameter + "=" + step.version() + ", "
                    + CANARY_ENABLED + "=false)";
            case ABORT -> "aborts " + step.version() + " (" + CANARY_ENABLED + "=false, weight 0)";
        };
    }

    private ObjectNode stepJson(RolloutStep step) {
        ObjectNode json = mapper.createObjectNode();
        json.put("stepId", step.stepId());
        json.put("action", step.action().wireName());
        json.put("strategy", step.strategy());
        json.put("stepIndex", step.stepIndex());
        json.put("weight", step.weight());
        json.put("deploymentId", step.deploymentId());
        json.put("version", step.version());
        json.put("stableVersion", step.stableVersion());
        return json;
    }

    /** The object field {@code name} of {@code parent}, made when missing. */
    private static ObjectNode object(ObjectNode parent, String name) {
        JsonNode child = parent.get(name);
        return child instanceof ObjectNode existing ? existing : parent.putObject(name);
    }

    private String recordedStepId(JsonNode app) {
        String recorded = app.path("metadata").path("annotations").path(ROLLOUT_STEP_ANNOTATION).asText(null);
        return recorded == null ? null : parse(recorded).path("stepId").asText(null);
    }

    private static String parameter(JsonNode parameters, String name) {
        for (JsonNode parameter : parameters) {
            if (name.equals(parameter.path("name").asText())) {
                return parameter.path("value").asText(null);
            }
        }
        return null;
    }

    /** The application's parameters with {@code wanted} set: others kept in their order, new ones appended. */
    private ArrayNode merged(JsonNode parameters, Map<String, String> wanted) {
        ArrayNode merged = mapper.createArrayNode();
        Map<String, String> left = new LinkedHashMap<>(wanted);
        for (JsonNode parameter : parameters) {
            ObjectNode copy = parameter.deepCopy();
            String value = left.remove(parameter.path("name").asText());
            if (value != null) {
                copy.put("value", value);
            }
            merged.add(copy);
        }
        left.forEach((name, value) -> merged.addObject().put("name", name).put("value", value));
        return merged;
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
        return hasInfo(operationState, ROLLBACK_INFO, rollbackId);
    }

    private static boolean hasInfo(JsonNode operationState, String name, String value) {
        for (JsonNode info : operationState.path("operation").path("info")) {
            if (name.equals(info.path("name").asText()) && value.equals(info.path("value").asText())) {
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
        // 409: the application changed since it was read; the next attempt reads it again
        if (ExecutorHttp.retryable(status) || status == 409
                || message.contains("another operation is already in progress")) {
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
            return new Endpoint(url, config.token().orElse(null), CONFIG + "token");
        }
        ArgoCdConfig.Server configured = config.servers().get(server);
        if (configured == null) {
            throw new ExecutionFailedException("Argo CD server '" + server + "' is no longer configured in "
                    + CONFIG + "servers");
        }
        return new Endpoint(configured.url(), configured.token().orElse(null), CONFIG + "servers." + server + ".token");
    }

    /** A configured Argo CD server; {@link #toString()} leaves the token out. */
    private record Endpoint(String url, String token, String tokenKey) {

        Endpoint {
            if (token == null || token.isBlank()) {
                throw new ExecutionFailedException("no Argo CD token: set " + tokenKey);
            }
            url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }

        String url(String path) {
            return url + path;
        }

        Map<String, String> headers() {
            return Map.of("Authorization", "Bearer " + token, "Accept", "application/json",
                    "User-Agent", "lifeguard-deploy-service");
        }

        Map<String, String> jsonHeaders() {
            Map<String, String> headers = new LinkedHashMap<>(headers());
            headers.put("Content-Type", "application/json");
            return headers;
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

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private String json(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON object could not be written", e);
        }
    }
}
