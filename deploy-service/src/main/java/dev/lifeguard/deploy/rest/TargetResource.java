package dev.lifeguard.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.rest.dto.TargetView;
import dev.lifeguard.deploy.service.Strategies;
import dev.lifeguard.deploy.service.TargetService;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
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
 * Secret settings are stored and never shown back.
 */
@Path("/api/v1/targets")
@Produces(MediaType.APPLICATION_JSON)
public class TargetResource {

    /** Rollout defaults a target body may carry besides its executor. */
    private static final java.util.Set<String> POLICY_FIELDS = java.util.Set.of("strategy", "redeployStrategy", "gate");

    private final TargetService targets;

    public TargetResource(TargetService targets) {
        this.targets = targets;
    }

    @GET
    public List<TargetView> targets() {
        return targets.all().stream().map(this::view).toList();
    }

    /** The target's executor, or the default one ({@code configured: false}). */
    @GET
    @Path("/{service}/{environment}")
    public TargetView target(@PathParam("service") String service, @PathParam("environment") String environment) {
        return view(targets.choiceFor(Fields.requireName("service", service),
                Fields.requireName("environment", environment)));
    }

    @PUT
    @Path("/{service}/{environment}")
    @Consumes(MediaType.APPLICATION_JSON)
    public TargetView choose(@PathParam("service") String service, @PathParam("environment") String environment,
                             JsonNode body) {
        String validService = Fields.requireName("service", service);
        String validEnvironment = Fields.requireName("environment", environment);
        if (body == null || !body.isObject()) {
            throw ProblemException.invalidField("body", "a JSON object {\"executor\": \"<name>\", \"<name>\": {settings}}"
                    + " is required");
        }
        JsonNode executorNode = body.get("executor");
        if (executorNode == null || !executorNode.isTextual() || executorNode.asText().isBlank()) {
            throw ProblemException.invalidField("executor", "field 'executor' is required; known: "
                    + String.join(", ", targets.executors().names()));
        }
        String executor = executorNode.asText().trim();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!"executor".equals(name) && !executor.equals(name) && !POLICY_FIELDS.contains(name)) {
                throw ProblemException.invalidField(name, "field '" + name + "' is not the settings of executor '"
                        + executor + "' (put them under \"" + executor + "\")");
            }
        }
        JsonNode settings = body.get(executor);
        if (settings != null && !settings.isNull() && !settings.isObject()) {
            throw ProblemException.invalidField(executor, "field '" + executor + "' must be an object of settings");
        }
        try {
            return view(targets.choose(validService, validEnvironment, executor,
                    settings == null || settings.isNull() ? null : (ObjectNode) settings, policy(body)));
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

    /** Forgets the target's choice: it goes back to the default executor. */
    @DELETE
    @Path("/{service}/{environment}")
    public Response forget(@PathParam("service") String service, @PathParam("environment") String environment) {
        if (!targets.forget(Fields.requireName("service", service), Fields.requireName("environment", environment))) {
            throw ProblemException.notFound("target " + service + "/" + environment + " has no executor configured");
        }
        return Response.noContent().build();
    }

    private TargetView view(TargetService.ExecutorChoice choice) {
        TargetService.Policy policy = targets.policyFor(choice.service(), choice.environment());
        return new TargetView(choice.service(), choice.environment(), choice.executor(), targets.shown(choice),
                choice.configured(), choice.updatedAt(), policy.strategy(), policy.redeployStrategy(),
                new TargetView.Gate(policy.gateEnabled(), policy.requiredSuites()));
    }
}
