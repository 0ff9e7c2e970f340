package dev.lifeguard.monitor.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.monitor.service.AnalysisSpecService;
import dev.lifeguard.monitor.service.AnalysisSpecService.EffectiveSpec;
import dev.lifeguard.monitor.spec.InvalidSpecException;
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

import java.util.List;
import java.util.regex.Pattern;

/** Analysis specs per service and environment; a change applies to the target's next analysis. */
@Path("/api/v1/analysis-specs")
@Produces(MediaType.APPLICATION_JSON)
public class AnalysisSpecResource {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final AnalysisSpecService specs;
    private final ObjectMapper mapper;

    public AnalysisSpecResource(AnalysisSpecService specs, ObjectMapper mapper) {
        this.specs = specs;
        this.mapper = mapper;
    }

    @GET
    public List<EffectiveSpec> list() {
        return specs.list();
    }

    /** The spec that applies: the target's own, or the default ({@code isDefault: true}). */
    @GET
    @Path("/{service}/{environment}")
    public EffectiveSpec get(@PathParam("service") String service, @PathParam("environment") String environment) {
        checkTarget(service, environment);
        return specs.get(service, environment);
    }

    @PUT
    @Path("/{service}/{environment}")
    @Consumes(MediaType.APPLICATION_JSON)
    public EffectiveSpec put(@PathParam("service") String service, @PathParam("environment") String environment,
                             String body) {
        checkTarget(service, environment);
        JsonNode spec;
        try {
            spec = mapper.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw ProblemException.invalidField(null, "the spec is not JSON: " + e.getOriginalMessage());
        }
        try {
            return specs.put(service, environment, spec);
        } catch (InvalidSpecException e) {
            throw ProblemException.invalidField(e.field(), e.getMessage());
        }
    }

    @DELETE
    @Path("/{service}/{environment}")
    public Response delete(@PathParam("service") String service, @PathParam("environment") String environment) {
        checkTarget(service, environment);
        if (!specs.delete(service, environment)) {
            throw ProblemException.notFound("service '" + service + "' in environment '" + environment
                    + "' has no spec of its own (the default applies)");
        }
        return Response.noContent().build();
    }

    private static void checkTarget(String service, String environment) {
        if (!NAME.matcher(service).matches()) {
            throw ProblemException.invalidField("service", "path parameter 'service' must be 1-100 letters, digits, "
                    + "'.', '_' or '-' but was '" + service + "'");
        }
        if (!NAME.matcher(environment).matches()) {
            throw ProblemException.invalidField("environment", "path parameter 'environment' must be 1-100 letters, "
                    + "digits, '.', '_' or '-' but was '" + environment + "'");
        }
    }
}
