package dev.lifeguard.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.rest.dto.TargetView;
import dev.lifeguard.deploy.service.Strategies;
import dev.lifeguard.deploy.service.TargetService;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Caller;
import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Iterator;
import java.util.List;

/**
 * How each service/environment is rolled back: {@code {"executor": "webhook", "webhook": {"url": ..., "secret": ...}}}.
 * The settings object is named after the executor; targets without a choice use {@code lifeguard.deploy.rollback-executor}.
 * Secret settings are stored sealed and never shown back. A target may name its owning {@code team}: then only that
 * team's members see it (others get 404) and its operators manage it; a target without a team is the platform's,
 * seen by every viewer and managed by admins.
 */
@Path("/api/v1/targets")
@Produces(MediaType.APPLICATION_JSON)
public class TargetResource {

    /** Rollout defaults a target body may carry besides its executor. */
    private static final java.util.Set<String> POLICY_FIELDS = java.util.Set.of("strategy", "redeployStrategy", "gate");
    private static final String TEAM = "team";

    private final TargetService targets;
    private final Caller caller;

    public TargetResource(TargetService targets, Caller caller) {
        this.targets = targets;
        this.caller = caller;
    }

    /** The configured targets the caller may see: its teams' and the platform's (all, for an admin). */
    @GET
    @RolesAllowed(Roles.VIEWER)
    public List<TargetView> targets() {
        return targets.all().stream().filter(choice -> caller.canSee(choice.team())).map(this::view).toList();
    }

    /** The target's executor, or the default one ({@code configured: false}); another team's target: 404. */
    @GET
    @Path("/{service}/{environment}")
    @RolesAllowed(Roles.VIEWER)
    public TargetView target(@PathParam("service") String service, @PathParam("environment") String environment) {
        TargetService.ExecutorChoice choice = targets.choiceFor(Fields.requireName("service", service),
                Fields.requireName("environment", environment));
        if (!caller.canSee(choice.team())) {
            throw notFound(service, environment);
        }
        return view(choice);
    }

    /**
     * Configures a target. Changing one needs operator of its team (or admin; a platform target: admin); another
     * team's target answers 404. The {@code team} given (absent or null: the platform's) must be one of the caller's
     * teams unless the caller is an admin.
     */
    @PUT
    @Path("/{service}/{environment}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public TargetView choose(@PathParam("service") String service, @PathParam("environment") String environment,
                             JsonNode body) {
        String validService = Fields.requireName("service", service);
        String validEnvironment = Fields.requireName("environment", environment);
        if (body == null || !body.isObject()) {
            throw ProblemException.invalidField("body", "a JSON object {\"executor\": \"<name>\", \"<name>\": {settings}}"
                    + " is required");
        }
        // checked first, so another team's target answers 404 whatever the body; checked again under the row lock
        authorize(targets.configured(validService, validEnvironment), body);
        JsonNode executorNode = body.get("executor");
        if (executorNode == null || !executorNode.isTextual() || executorNode.asText().isBlank()) {
            throw ProblemException.invalidField("executor", "field 'executor' is required; known: "
                    + String.join(", ", targets.executors().names()));
        }
        String executor = executorNode.asText().trim();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!"executor".equals(name) && !TEAM.equals(name) && !executor.equals(name)
                    && !POLICY_FIELDS.contains(name)) {
                throw ProblemException.invalidField(name, "field '" + name + "' is not the settings of executor '"
                        + executor + "' (put them under \"" + executor + "\")");
            }
        }
        JsonNode settings = body.get(executor);
        if (settings != null && !settings.isNull() && !settings.isObject()) {
            throw ProblemException.invalidField(executor, "field '" + executor + "' must be an object of settings");
        }
        try {
            TargetService.Policy policy = policy(body);
            return view(targets.choose(validService, validEnvironment, executor,
                    settings == null || settings.isNull() ? null : (ObjectNode) settings, policy,
                    current -> authorize(current, body)));
        } catch (TargetService.UnknownExecutorException e) {
            throw ProblemException.invalidField("executor", e.getMessage());
        } catch (InvalidExecutorSettingsException e) {
            throw ProblemException.invalidField(executor + "." + e.setting(), e.getMessage());
        }
    }

    private static TargetService.Policy policy(JsonNode body) {
        try {
            ObjectNode strategy = present(body.get("strategy")) ? Strategies.parse(body.get("strategy"), "strategy") : null;
            ObjectNode redeploy = present(body.get("redeployStrategy"))
                    ? Strategies.parse(body.get("redeployStrategy"), "redeployStrategy") : null;
            JsonNode gate = body.get("gate");
            if (!present(gate)) {
                return new TargetService.Policy(strategy, redeploy, true, List.of());
            }
            if (!gate.isObject()) {
                throw ProblemException.invalidField("gate", "field 'gate' must be an object {\"enabled\": true,"
                        + " \"requiredSuites\": [\"unit\", \"e2e\"]}");
            }
            for (Iterator<String> names = gate.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!List.of("enabled", "requiredSuites").contains(name)) {
                    throw ProblemException.invalidField("gate." + name, "field 'gate." + name + "' is not known;"
                            + " allowed: enabled, requiredSuites");
                }
            }
            JsonNode enabled = gate.get("enabled");
            if (present(enabled) && !enabled.isBoolean()) {
                throw ProblemException.invalidField("gate.enabled", "field 'gate.enabled' must be true or false");
            }
            return new TargetService.Policy(strategy, redeploy, !present(enabled) || enabled.asBoolean(),
                    suites(gate.get("requiredSuites"), "gate.requiredSuites"));
        } catch (Strategies.InvalidStrategyException e) {
            throw ProblemException.invalidField(e.field(), e.getMessage());
        }
    }

    /** A list of test suite names (1-200 characters each, no duplicates); null or missing: none. */
    public static List<String> suites(JsonNode node, String field) {
        if (!present(node)) {
            return List.of();
        }
        if (!node.isArray() || node.size() > 50) {
            throw ProblemException.invalidField(field, "field '" + field + "' must be an array of suite names (at most 50)");
        }
        java.util.LinkedHashSet<String> suites = new java.util.LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode suite = node.get(i);
            if (!suite.isTextual() || suite.asText().isBlank() || suite.asText().length() > 200) {
                throw ProblemException.invalidField(field + "[" + i + "]", "field '" + field + "[" + i
                        + "]' must be a suite name of 1-200 characters");
            }
            suites.add(suite.asText().trim());
        }
        return List.copyOf(suites);
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    /** Forgets the target's choice: it goes back to the default executor. Same access rule as changing it. */
    @DELETE
    @Path("/{service}/{environment}")
    @RolesAllowed(Roles.OPERATOR)
    public Response forget(@PathParam("service") String service, @PathParam("environment") String environment) {
        String validService = Fields.requireName("service", service);
        String validEnvironment = Fields.requireName("environment", environment);
        if (!targets.forget(validService, validEnvironment,
                existing -> caller.requireCanManage(existing.team(), () -> notFound(service, environment)))) {
            throw notFound(service, environment);
        }
        return Response.noContent().build();
    }

    /** Not configured, or another team's: the same answer, so the other team's target does not leak. */
    private static ProblemException notFound(String service, String environment) {
        return ProblemException.notFound("target " + service + "/" + environment + " has no executor configured");
    }

    /**
     * Whether the caller may put {@code body} on the target as it is ({@code existing}, empty: not configured): manage
     * the existing one (another team's: 404), and give it the team it will have, when that is a change. Returns that
     * team: the body's. A PUT replaces the whole target, team included, as for policies and analysis specs: a body
     * without {@code team} makes the target the platform's, which only an admin may (an operator gets 403 naming
     * {@code team} instead of silently handing the target over).
     */
    private String authorize(java.util.Optional<TargetService.ExecutorChoice> existing, JsonNode body) {
        existing.ifPresent(choice -> caller.requireCanManage(choice.team(),
                () -> notFound(choice.service(), choice.environment())));
        String team = body.has(TEAM) ? team(body.get(TEAM)) : null;
        if (existing.isEmpty() || !java.util.Objects.equals(team, existing.get().team())) {
            caller.requireCanAssign(team, TEAM);
        }
        return team;
    }

    /** The body's {@code team}: a name, or null for the platform's. */
    private static String team(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ProblemException.invalidField(TEAM, "field 'team' must be a team name or null");
        }
        return Fields.optionalName(TEAM, node.asText());
    }

    private TargetView view(TargetService.ExecutorChoice choice) {
        TargetService.Policy policy = targets.policyFor(choice.service(), choice.environment());
        return new TargetView(choice.service(), choice.environment(), choice.team(), choice.executor(),
                targets.shown(choice),
                choice.configured(), choice.updatedAt(), policy.strategy(), policy.redeployStrategy(),
                new TargetView.Gate(policy.gateEnabled(), policy.requiredSuites()));
    }
}
