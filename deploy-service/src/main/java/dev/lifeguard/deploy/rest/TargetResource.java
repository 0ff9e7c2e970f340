package dev.lifeguard.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.rest.dto.TargetView;
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
            if (!"executor".equals(name) && !executor.equals(name)) {
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
                    settings == null || settings.isNull() ? null : (ObjectNode) settings));
        } catch (TargetService.UnknownExecutorException e) {
            throw ProblemException.invalidField("executor", e.getMessage());
        } catch (InvalidExecutorSettingsException e) {
            throw ProblemException.invalidField(executor + "." + e.setting(), e.getMessage());
        }
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
        return new TargetView(choice.service(), choice.environment(), choice.executor(), targets.shown(choice),
                choice.configured(), choice.updatedAt());
    }
}
