package dev.lifeguard.monitor.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.monitor.service.AnalysisSpecService;
import dev.lifeguard.monitor.service.AnalysisSpecService.EffectiveSpec;
import dev.lifeguard.monitor.spec.InvalidSpecException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.spec.SpecReader;
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

import java.util.List;
import java.util.regex.Pattern;

/**
 * Analysis specs per service and environment; a change applies to the target's next analysis. A spec with a
 * {@code team} is seen and changed only by that team's members (operators to change) and admins: to anyone else it
 * does not exist (404, absent from the list). A spec without one is the platform's: every viewer sees it, only admins
 * change it. Reading a target that has no spec of its own (the default applies) needs only a viewer.
 */
@Path("/api/v1/analysis-specs")
@Produces(MediaType.APPLICATION_JSON)
public class AnalysisSpecResource {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern TEAM = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final AnalysisSpecService specs;
    private final SpecReader reader;
    private final ObjectMapper mapper;
    private final Caller caller;

    public AnalysisSpecResource(AnalysisSpecService specs, SpecReader reader, ObjectMapper mapper, Caller caller) {
        this.specs = specs;
        this.reader = reader;
        this.mapper = mapper;
        this.caller = caller;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public List<EffectiveSpec> list() {
        return specs.list().stream().filter(spec -> caller.canSee(spec.team())).toList();
    }

    /** The spec that applies: the target's own, or the default ({@code isDefault: true}). */
    @GET
    @RolesAllowed(Roles.VIEWER)
    @Path("/{service}/{environment}")
    public EffectiveSpec get(@PathParam("service") String service, @PathParam("environment") String environment) {
        checkTarget(service, environment);
        EffectiveSpec spec = specs.get(service, environment);
        if (!caller.canSee(spec.team())) {
            throw notFound(service, environment);
        }
        return spec;
    }

    @PUT
    @RolesAllowed(Roles.OPERATOR)
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
        String team = team(spec);
        try {
            reader.refuseUnknownFields(spec);
            // who may replace the target's spec, then who may give it this team: checked under the row's lock
            return specs.put(service, environment, spec, team,
                    owner -> caller.requireCanManage(owner, () -> notFound(service, environment)),
                    () -> caller.requireCanAssign(team, "team"));
        } catch (InvalidSpecException e) {
            throw ProblemException.invalidField(e.field(), e.getMessage());
        }
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{service}/{environment}")
    public Response delete(@PathParam("service") String service, @PathParam("environment") String environment) {
        checkTarget(service, environment);
        if (!specs.delete(service, environment,
                owner -> caller.requireCanManage(owner, () -> notFound(service, environment)))) {
            throw ProblemException.notFound("service '" + service + "' in environment '" + environment
                    + "' has no spec of its own (the default applies)");
        }
        return Response.noContent().build();
    }

    /** The body's {@code team} (absent or null: the platform's), taken out of the spec proper. */
    private static String team(JsonNode spec) {
        if (!(spec instanceof ObjectNode object) || !object.has("team")) {
            return null;
        }
        JsonNode team = object.remove("team");
        if (team.isNull()) {
            return null;
        }
        if (!team.isTextual() || !TEAM.matcher(team.asText()).matches()) {
            throw ProblemException.invalidField("team", "field 'team' must be a team name: lower-case letters, digits"
                    + " and '-', starting with a letter or digit, at most 63 characters");
        }
        return team.asText();
    }

    private static ProblemException notFound(String service, String environment) {
        return ProblemException.notFound("no analysis spec for service '" + service + "' in environment '"
                + environment + "'");
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
