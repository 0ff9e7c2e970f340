package dev.lifeguard.deploy.executor.githubactions;

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
import dev.lifeguard.support.net.OutboundUrlGuard;
import dev.lifeguard.support.net.PinnedHttpClient;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rolls back by running the team's own GitHub Actions workflow: a {@code workflow_dispatch} of the target's
 * repository and workflow with the inputs {@code service}, {@code environment}, {@code version} (the stable version
 * to go back to), {@code reason} and {@code rollbackId}.
 * <p>
 * GitHub answers 204 when it has queued the run, not when the rollback is done, so the outcome is
 * {@linkplain ExecutionOutcome#accepted accepted}: the workflow reports completion as a {@code service.rolledback}
 * CDEvent, like any deployment. A dispatch has no idempotency key, so before dispatching the executor looks for a run
 * whose title names the rollback id (the workflow's {@code run-name} should include {@code inputs.rollbackId}) and
 * does not dispatch twice when it finds one. Timeouts and 5xx are still retried, so a workflow without that
 * {@code run-name} may run twice for one rollback (rolling back to the same version twice is harmless to most
 * deployment workflows; {@code rollbackId} lets one tell).
 * <p>
 * Rollout steps dispatch a second workflow, the target's {@code rolloutWorkflow}, with the inputs {@code action}
 * ({@code set-weight}, {@code promote}, {@code abort}), {@code strategy}, {@code weight}, {@code version},
 * {@code stable_version}, {@code service}, {@code environment}, {@code deployment_id} and {@code step_id}; a run
 * whose title names the step id is not dispatched again. The outcome is accepted: the workflow applies the step.
 */
@ApplicationScoped
@Identifier(GitHubActionsRollbackExecutor.NAME)
public class GitHubActionsRollbackExecutor implements RollbackExecutor {

    public static final String NAME = "github-actions";

    static final String REPOSITORY = "repository";
    static final String WORKFLOW = "workflow";
    static final String REF = "ref";
    static final String ROLLOUT_WORKFLOW = "rolloutWorkflow";
    private static final String CONFIG = "lifeguard.deploy.executors.github-actions.";
    private static final Pattern REPOSITORY_RULE =
            Pattern.compile("[A-Za-z0-9-]{1,39}/(?!\\.\\.?$)[A-Za-z0-9._-]{1,100}");
    private static final Pattern WORKFLOW_RULE = Pattern.compile("[A-Za-z0-9._-]{1,200}\\.ya?ml|[0-9]{1,19}");
    private static final Pattern REF_RULE = Pattern.compile("(?!-)(?!.*\\.\\.)[A-Za-z0-9._/+-]{1,250}");
    /** How many of the workflow's latest dispatched runs are searched for an earlier dispatch of the rollback. */
    private static final int RUNS_SEARCHED = 50;
    private static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;
    private static final String ROLLBACK_INPUTS = "service, environment, version, reason and rollbackId";
    private static final String STEP_INPUTS = "action, strategy, weight, version, stable_version, service,"
            + " environment, deployment_id and step_id";

    private final GitHubActionsConfig config;
    private final ObjectMapper mapper;
    private final ExecutorHttp http;

    @Inject
    public GitHubActionsRollbackExecutor(GitHubActionsConfig config, ObjectMapper mapper, PinnedHttpClient http) {
        this(config, mapper, http, InetAddress::getAllByName);
    }

    /**
     * The GitHub API base URL is the operator's: vetted before each call with private networks allowed (GitHub
     * Enterprise Server) unless {@code allow-private-network=false} (cloud metadata never), and called at the vetted
     * address.
     *
     * @param resolver resolves the API's host (replaceable in tests)
     */
    public GitHubActionsRollbackExecutor(GitHubActionsConfig config, ObjectMapper mapper, PinnedHttpClient http,
                                         OutboundUrlGuard.Resolver resolver) {
        this.config = config;
        this.mapper = mapper;
        this.http = new ExecutorHttp(http, new OutboundUrlGuard(config.allowPrivateNetwork(),
                CONFIG + "allow-private-network", resolver), "GitHub API URL", config.connectTimeout(),
                config.requestTimeout());
    }

    @Override
    public ObjectNode validate(ObjectNode settings) {
        ExecutorSettings.allowOnly(settings, Set.of(REPOSITORY, WORKFLOW, REF, ROLLOUT_WORKFLOW));
        String repository = ExecutorSettings.optionalMatching(settings, REPOSITORY, REPOSITORY_RULE,
                "a GitHub repository as owner/name");
        String workflow = ExecutorSettings.optionalMatching(settings, WORKFLOW, WORKFLOW_RULE,
                "the workflow's file name (rollback.yml) or numeric id");
        String ref = ExecutorSettings.optionalMatching(settings, REF, REF_RULE, "a branch or tag name");
        String rolloutWorkflow = ExecutorSettings.optionalMatching(settings, ROLLOUT_WORKFLOW, WORKFLOW_RULE,
                "the rollout workflow's file name (rollout.yml) or numeric id");
        if (repository == null) {
            throw new InvalidExecutorSettingsException(REPOSITORY, "setting 'repository' (owner/name) is required");
        }
        if (workflow == null) {
            throw new InvalidExecutorSettingsException(WORKFLOW,
                    "setting 'workflow' (the workflow's file name or id) is required");
        }
        ObjectNode normalised = mapper.createObjectNode();
        normalised.put(REPOSITORY, repository);
        normalised.put(WORKFLOW, workflow);
        if (ref != null) {
            normalised.put(REF, ref);
        }
        if (rolloutWorkflow != null) {
            normalised.put(ROLLOUT_WORKFLOW, rolloutWorkflow);
        }
        return normalised;
    }

    @Override
    public boolean runsRollouts() {
        return true;
    }

    @Override
    public ExecutionOutcome execute(RollbackPlan plan, ObjectNode settings) {
        ExecutorSettings.requireStableVersion(plan);
        String token = token();
        String repository = required(settings, REPOSITORY);
        String workflow = required(settings, WORKFLOW);
        String ref = ExecutorSettings.text(settings, REF) != null ? ExecutorSettings.text(settings, REF) : config.ref();
        String workflowPath = "/repos/" + repository + "/actions/workflows/" + workflow;
        String what = "GitHub workflow " + workflow + " in " + repository;

        String earlierRun = earlierRun(token, workflowPath, plan.rollbackId(), what, ROLLBACK_INPUTS);
        if (earlierRun != null) {
            return ExecutionOutcome.accepted(what + " already runs rollback " + plan.rollbackId() + " (" + earlierRun
                    + "); it reports completion as service.rolledback");
        }
        ObjectNode dispatch = mapper.createObjectNode();
        dispatch.put("ref", ref);
        ObjectNode inputs = dispatch.putObject("inputs");
        inputs.put("service", plan.service());
        inputs.put("environment", plan.environment());
        inputs.put("version", plan.toVersion());
        inputs.put("reason", plan.reason());
        inputs.put("rollbackId", plan.rollbackId());
        ExecutorHttp.Answer answer = http.send("POST", url(workflowPath + "/dispatches"), headers(token, true),
                json(dispatch).getBytes(StandardCharsets.UTF_8), MAX_ANSWER_BYTES, what);
        if (answer.successful()) {
            return ExecutionOutcome.accepted(what + " dispatched on " + ref + " to roll " + plan.service() + "/"
                    + plan.environment() + " back to " + plan.toVersion() + "; it reports completion as"
                    + " service.rolledback");
        }
        throw refusal(answer, token, what + " was not dispatched", ROLLBACK_INPUTS);
    }

    @Override
    public ExecutionOutcome applyStep(RolloutStep step, ObjectNode settings) {
        String workflow = ExecutorSettings.text(settings, ROLLOUT_WORKFLOW);
        if (workflow == null) {
            throw new ExecutionFailedException("the target's github-actions settings name no '" + ROLLOUT_WORKFLOW
                    + "': set it to the workflow that applies rollout steps (set-weight, promote, abort)");
        }
        String token = token();
        String repository = required(settings, REPOSITORY);
        String ref = ExecutorSettings.text(settings, REF) != null ? ExecutorSettings.text(settings, REF) : config.ref();
        String workflowPath = "/repos/" + repository + "/actions/workflows/" + workflow;
        String what = "GitHub workflow " + workflow + " in " + repository;
        String action = step.action().wireName() + (step.action() == StepAction.SET_WEIGHT ? " " + step.weight() + "%" : "");

        String earlierRun = earlierRun(token, workflowPath, step.stepId(), what, STEP_INPUTS);
        if (earlierRun != null) {
            return ExecutionOutcome.accepted(what + " already runs step " + step.stepId() + " (" + earlierRun + ")");
        }
        ObjectNode dispatch = mapper.createObjectNode();
        dispatch.put("ref", ref);
        // workflow_dispatch inputs are strings, at most 10 of them
        ObjectNode inputs = dispatch.putObject("inputs");
        inputs.put("action", step.action().wireName());
        inputs.put("strategy", step.strategy());
        inputs.put("weight", Integer.toString(step.weight()));
        inputs.put("version", step.version());
        inputs.put("stable_version", step.stableVersion() == null ? "" : step.stableVersion());
        inputs.put("service", step.service());
        inputs.put("environment", step.environment());
        inputs.put("deployment_id", step.deploymentId());
        inputs.put("step_id", step.stepId());
        ExecutorHttp.Answer answer = http.send("POST", url(workflowPath + "/dispatches"), headers(token, true),
                json(dispatch).getBytes(StandardCharsets.UTF_8), MAX_ANSWER_BYTES, what);
        if (answer.successful()) {
            return ExecutionOutcome.accepted(what + " dispatched on " + ref + " to " + action + " "
                    + step.service() + "/" + step.environment() + " " + step.version() + " (step " + step.stepId() + ")");
        }
        throw refusal(answer, token, what + " was not dispatched", STEP_INPUTS);
    }

    private String token() {
        return config.token().filter(value -> !value.isBlank()).orElseThrow(() -> new ExecutionFailedException(
                "no GitHub token: set " + CONFIG + "token to run rollback workflows"));
    }

    /**
     * The web address of a recent dispatched run whose title names {@code rollbackId}, else null. 404 here already
     * means the repository or workflow does not exist (or the token cannot see it).
     */
    private String earlierRun(String token, String workflowPath, String rollbackId, String what, String inputs) {
        ExecutorHttp.Answer answer = http.send("GET",
                url(workflowPath + "/runs?event=workflow_dispatch&per_page=" + RUNS_SEARCHED), headers(token, false),
                null, MAX_ANSWER_BYTES, what);
        if (!answer.successful()) {
            throw refusal(answer, token, what + ": its runs could not be listed", inputs);
        }
        for (JsonNode run : parse(answer.body()).path("workflow_runs")) {
            if (run.path("display_title").asText("").contains(rollbackId)) {
                return run.path("html_url").asText("run " + run.path("id").asText());
            }
        }
        return null;
    }

    /**
     * GitHub's refusals: 401 bad token, 403 no permission (or a rate limit, then retried), 404 no such repository or
     * workflow, 422 the workflow has no {@code workflow_dispatch} trigger, the ref does not exist or it does not
     * declare these inputs.
     */
    private RuntimeException refusal(ExecutorHttp.Answer answer, String token, String what, String inputs) {
        int status = answer.status();
        String message = ExecutorHttp.excerpt(parse(answer.body()).path("message").asText(answer.body()), token);
        String said = " (HTTP " + status + (message.isEmpty() ? "" : ": " + message) + ")";
        boolean rateLimited = status == 403
                && ("0".equals(answer.header("x-ratelimit-remaining")) || answer.header("retry-after") != null);
        if (ExecutorHttp.retryable(status) || rateLimited) {
            return new TransientExecutionException(what + said);
        }
        String hint = switch (status) {
            case 401 -> ": GitHub refused the token in " + CONFIG + "token";
            case 403 -> ": the token may not run workflows in this repository";
            case 404 -> ": no such repository or workflow, or the token cannot see it";
            case 422 -> ": check that the workflow has a workflow_dispatch trigger declaring the inputs " + inputs
                    + ", and that the ref exists";
            default -> "";
        };
        return new ExecutionFailedException(what + hint + said);
    }

    private String url(String path) {
        return stripTrailingSlash(config.apiBaseUrl()) + path;
    }

    private static Map<String, String> headers(String token, boolean json) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("Accept", "application/vnd.github+json");
        headers.put("X-GitHub-Api-Version", "2022-11-28");
        headers.put("User-Agent", "lifeguard-deploy-service");
        if (json) {
            headers.put("Content-Type", "application/json");
        }
        return headers;
    }

    private static String required(ObjectNode settings, String name) {
        String value = ExecutorSettings.text(settings, name);
        if (value == null) {
            throw new ExecutionFailedException("the target's github-actions settings lack '" + name + "'");
        }
        return value;
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
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
