package dev.lifeguard.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.event.CiDeploymentEvent;
import dev.lifeguard.deploy.DeploymentStatus;
import dev.lifeguard.deploy.service.DeploymentOptions;
import dev.lifeguard.deploy.service.RollbackRunner;
import dev.lifeguard.deploy.service.RolloutRefusedException;
import dev.lifeguard.deploy.service.Rollouts;
import dev.lifeguard.deploy.service.Strategies;
import java.util.List;
import dev.lifeguard.deploy.rest.dto.DeploymentRequest;
import dev.lifeguard.deploy.rest.dto.DeploymentView;
import dev.lifeguard.deploy.rest.dto.EnvironmentView;
import dev.lifeguard.deploy.service.DeploymentService;
import dev.lifeguard.deploy.service.ReportedDeployment;
import dev.lifeguard.deploy.service.RequestKeyConflictException;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Caller;
import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class DeploymentResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String USER_HEADER = "X-Lifeguard-User";

    private final DeploymentService deployments;
    private final Rollouts rollouts;
    private final RollbackRunner runner;
    private final Caller caller;

    public DeploymentResource(DeploymentService deployments, Rollouts rollouts, RollbackRunner runner, Caller caller) {
        this.caller = caller;
        this.deployments = deployments;
        this.rollouts = rollouts;
        this.runner = runner;
    }

    /**
     * Reports a deployment (for CI without Kafka, and for humans). Re-reporting the running version is a no-op. A
     * client that retries should send an {@code Idempotency-Key}: every request with that key gets the deployment
     * the first one created, even when the first is applied after a newer deployment.
     */
    @POST
    @Path("/deployments")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.CI)
    public Response report(@HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, DeploymentRequest request) {
        if (request == null) {
            throw ProblemException.invalidField("body", "a JSON body with service, environment and version is required");
        }
        String service = Fields.requireName("service", request.service());
        String environment = Fields.requireName("environment", request.environment());
        String version = Fields.requireText("version", request.version());
        if (version.length() > 200) {
            throw ProblemException.invalidField("version", "field 'version' must be at most 200 characters");
        }
        String team = Fields.optionalName("team", request.team());
        String changeUrl = request.changeUrl() == null || request.changeUrl().isBlank() ? null : request.changeUrl().trim();
        if (changeUrl != null && !CiDeploymentEvent.HTTP_URL.matcher(changeUrl).matches()) {
            throw ProblemException.invalidField("changeUrl", "field 'changeUrl' must be an http(s) URL");
        }
        String image = request.image() == null || request.image().isBlank() ? null : request.image().trim();
        if (image != null && (image.length() > 1000 || !image.matches("[A-Za-z0-9][A-Za-z0-9._/:@+-]*"))) {
            throw ProblemException.invalidField("image", "field 'image' must be a container image reference"
                    + " (registry/name:tag or registry/name@sha256:...)");
        }
        String requestKey = requestKey(idempotencyKey);
        DeploymentOptions options = new DeploymentOptions(strategy(request.strategy()), tests(request.tests()),
                fixes(request.fixes()), true);
        Deployment deployment;
        try {
            deployment = deployments.record(new ReportedDeployment(service, environment, version,
                    "pkg:generic/" + service + "@" + URLEncoder.encode(version, StandardCharsets.UTF_8),
                    team, request.commit(), changeUrl, null, null, requestKey, image, null), options);
        } catch (RequestKeyConflictException e) {
            throw new ProblemException(422, "Idempotency-Key reused", e.getMessage(), IDEMPOTENCY_KEY);
        } catch (RolloutRefusedException e) {
            throw new ProblemException(e.status(), e.status() == 409 ? "Rollout in progress" : "Strategy not supported",
                    e.getMessage(), e.field());
        }
        runner.wake();
        DeploymentView view = view(deployment);
        // a gated deployment is taken but does not run yet: 202 with the reason
        return (deployment.status == DeploymentStatus.GATED ? Response.accepted() : Response.created(URI.create(
                "/api/v1/deployments/" + deployment.id)))
                .location(URI.create("/api/v1/deployments/" + deployment.id))
                .entity(view)
                .build();
    }

    /**
     * Goes on with a rollout: ends the running pause (next step), or with {@code {"full": true}} goes straight to all
     * traffic; a blue-green rollout switches. Body optional: {@code {"full": false, "by": "alice"}}.
     */
    @POST
    @Path("/deployments/{id}/promote")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.OPERATOR)
    public DeploymentView promote(@PathParam("id") String id, @HeaderParam(USER_HEADER) String user, JsonNode body) {
        fields(body, Set.of("full", "by"));
        JsonNode full = body == null ? null : body.get("full");
        if (full != null && !full.isNull() && !full.isBoolean()) {
            throw ProblemException.invalidField("full", "field 'full' must be true or false");
        }
        return act(id, () -> rollouts.promote(id, full != null && full.asBoolean(), actor(body, user)));
    }

    /** Pauses a rollout during a pause step's analysis: {@code {"reason": "...", "by": "alice"}} (both optional). */
    @POST
    @Path("/deployments/{id}/pause")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.OPERATOR)
    public DeploymentView pause(@PathParam("id") String id, @HeaderParam(USER_HEADER) String user, JsonNode body) {
        fields(body, Set.of("reason", "by"));
        return act(id, () -> rollouts.pause(id, text(body, "reason", false), actor(body, user)));
    }

    /** Goes on after a pause; a step whose executor call failed is tried again. */
    @POST
    @Path("/deployments/{id}/resume")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.OPERATOR)
    public DeploymentView resume(@PathParam("id") String id, @HeaderParam(USER_HEADER) String user, JsonNode body) {
        fields(body, Set.of("by"));
        return act(id, () -> rollouts.resume(id, actor(body, user)));
    }

    /** All traffic back to the stable version: {@code {"reason": "...", "by": "alice"}}, reason required. */
    @POST
    @Path("/deployments/{id}/abort")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.OPERATOR)
    public DeploymentView abort(@PathParam("id") String id, @HeaderParam(USER_HEADER) String user, JsonNode body) {
        fields(body, Set.of("reason", "by"));
        String reason = text(body, "reason", true);
        return act(id, () -> rollouts.abort(id, reason, actor(body, user)));
    }

    /** Releases a GATED deployment without test evidence: {@code {"reason": "...", "by": "alice"}}, reason required. */
    @POST
    @Path("/deployments/{id}/override")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.OPERATOR)
    public DeploymentView override(@PathParam("id") String id, @HeaderParam(USER_HEADER) String user, JsonNode body) {
        fields(body, Set.of("reason", "by"));
        String reason = text(body, "reason", true);
        return act(id, () -> rollouts.override(id, reason, actor(body, user)));
    }

    private DeploymentView act(String id, Runnable action) {
        try {
            action.run();
        } catch (Rollouts.UnknownDeploymentException e) {
            throw ProblemException.notFound(e.getMessage());
        } catch (Rollouts.WrongStateException e) {
            throw new ProblemException(409, "Not possible in this state", e.getMessage(), "status");
        }
        runner.wake();
        return deployment(id);
    }

    private DeploymentView view(Deployment deployment) {
        return DeploymentView.of(deployment, rollouts.find(deployment.id).orElse(null));
    }

    private static ObjectNode strategy(JsonNode strategy) {
        if (strategy == null || strategy.isNull()) {
            return null;
        }
        try {
            return Strategies.parse(strategy, "strategy");
        } catch (Strategies.InvalidStrategyException e) {
            throw ProblemException.invalidField(e.field(), e.getMessage());
        }
    }

    private static DeploymentOptions.Tests tests(JsonNode tests) {
        if (tests == null || tests.isNull()) {
            return null;
        }
        if (!tests.isObject()) {
            throw ProblemException.invalidField("tests", "field 'tests' must be an object {\"passed\": 412,"
                    + " \"failed\": 0, \"suites\": [\"unit\", \"e2e\"]}");
        }
        KnownFields.only(tests, "tests.", Set.of("passed", "failed", "suites"));
        return new DeploymentOptions.Tests(count(tests, "passed"), count(tests, "failed"),
                TargetResource.suites(tests.get("suites"), "tests.suites"));
    }

    private static int count(JsonNode tests, String name) {
        JsonNode node = tests.get(name);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 0) {
            throw ProblemException.invalidField("tests." + name, "field 'tests." + name + "' must be a count (integer >= 0)");
        }
        return node.asInt();
    }

    private static List<String> fixes(JsonNode fixes) {
        if (fixes == null || fixes.isNull()) {
            return List.of();
        }
        if (!fixes.isArray() || fixes.size() > 50) {
            throw ProblemException.invalidField("fixes", "field 'fixes' must be an array of incident ids (at most 50)");
        }
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        for (int i = 0; i < fixes.size(); i++) {
            JsonNode id = fixes.get(i);
            if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > 200) {
                throw ProblemException.invalidField("fixes[" + i + "]", "field 'fixes[" + i
                        + "]' must be an incident id of 1-200 characters");
            }
            ids.add(id.asText().trim());
        }
        return List.copyOf(ids);
    }

    private static String text(JsonNode body, String name, boolean required) {
        JsonNode node = body == null ? null : body.get(name);
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            if (required) {
                throw ProblemException.invalidField(name, "field '" + name + "' is required: say why");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().length() > 2000) {
            throw ProblemException.invalidField(name, "field '" + name + "' must be text of at most 2000 characters");
        }
        return node.asText().trim();
    }

    /**
     * Who asks: the token's subject. The body's {@code by} and the {@code X-Lifeguard-User} header, which declared
     * it before, are optional and refused (400 naming them) unless they name the subject.
     */
    private String actor(JsonNode body, String user) {
        Actors.requireSubject(caller, "by", text(body, "by", false));
        Actors.requireSubject(caller, USER_HEADER, user);
        return caller.subject();
    }

    /** An action's body: absent, or an object of the action's fields only. */
    private static void fields(JsonNode body, Set<String> known) {
        if (body != null && !body.isNull() && !body.isObject()) {
            throw ProblemException.invalidField("body", "the body must be a JSON object with " + known);
        }
        KnownFields.only(body, "", known);
    }

    private static String requestKey(String header) {
        if (header == null) {
            return null;
        }
        String key = header.trim();
        if (key.isEmpty() || key.length() > 200 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ProblemException.invalidField(IDEMPOTENCY_KEY,
                    "header '" + IDEMPOTENCY_KEY + "' must be 1-200 visible ASCII characters");
        }
        return key;
    }

    @GET
    @Path("/deployments/{id}")
    @RolesAllowed(Roles.VIEWER)
    public DeploymentView deployment(@PathParam("id") String id) {
        return deployments.find(id).map(this::view)
                .orElseThrow(() -> ProblemException.notFound("no deployment with id '" + id + "'"));
    }

    @GET
    @Path("/services/{service}/environments/{environment}")
    @RolesAllowed(Roles.VIEWER)
    public EnvironmentView environment(@PathParam("service") String service,
                                       @PathParam("environment") String environment) {
        return deployments.environment(service, environment).map(EnvironmentView::of)
                .orElseThrow(() -> ProblemException.notFound("nothing has been deployed for service '" + service
                        + "' in environment '" + environment + "'"));
    }
}
