package dev.lifeguard.rollback.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.PolicySettings;
import dev.lifeguard.rollback.event.PolicyJson;
import dev.lifeguard.rollback.rest.dto.PolicyView;
import dev.lifeguard.rollback.service.DecisionPolicies;
import dev.lifeguard.rollback.service.InvalidPolicyException;
import dev.lifeguard.rollback.service.PolicyBodies;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Caller;
import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;

/**
 * Decision policies: environment-wide ({@code /environments/{environment}}) and a service's override in one
 * environment ({@code /services/{service}/environments/{environment}}). PUT replaces the whole policy of the scope.
 * A policy with a {@code team} is seen and changed only by that team's members (operators to change) and admins: to
 * anyone else it does not exist (404, absent from lists). A policy without one is the platform's: every viewer sees
 * it, only admins change it. The effective policy of a target stays readable by every viewer: it is what decides
 * the target's rollbacks, and each decision's explanation shows it anyway.
 */
@Path("/api/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

    static final String USER_HEADER = "X-Lifeguard-User";

    private final DecisionPolicies policies;
    private final Caller caller;

    public PolicyResource(DecisionPolicies policies, Caller caller) {
        this.policies = policies;
        this.caller = caller;
    }

    /** Every stored policy, or those of one environment; each environment's own first, then its services'. */
    @GET
    @RolesAllowed(Roles.VIEWER)
    public List<PolicyView> list(@QueryParam("environment") String environment) {
        return policies.list(Fields.optionalName("environment", environment)).stream()
                .filter(policy -> caller.canSee(policy.row().team))
                .map(PolicyView::of).toList();
    }

    /**
     * The policy a decision about {@code service} in {@code environment} applies now, with the stored policies it
     * came from: the {@code explanation.policy} of the decision events.
     */
    @GET
    @RolesAllowed(Roles.VIEWER)
    @Path("/effective")
    public ObjectNode effective(@QueryParam("service") String service, @QueryParam("environment") String environment) {
        return PolicyJson.effective(policies.effective(Fields.requireName("service", service),
                Fields.requireName("environment", environment)));
    }

    @PUT
    @RolesAllowed(Roles.OPERATOR)
    @Path("/environments/{environment}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response putEnvironment(@PathParam("environment") String environment,
                                   @HeaderParam(USER_HEADER) String user, JsonNode body) {
        return put(Fields.requireName("environment", environment), null, user, body);
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Path("/environments/{environment}")
    public PolicyView getEnvironment(@PathParam("environment") String environment) {
        return get(Fields.requireName("environment", environment), null);
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    @Path("/environments/{environment}")
    public Response deleteEnvironment(@PathParam("environment") String environment,
                                      @HeaderParam(USER_HEADER) String user) {
        return delete(Fields.requireName("environment", environment), null, user);
    }

    @PUT
    @RolesAllowed(Roles.OPERATOR)
    @Path("/services/{service}/environments/{environment}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response putService(@PathParam("service") String service, @PathParam("environment") String environment,
                               @HeaderParam(USER_HEADER) String user, JsonNode body) {
        return put(Fields.requireName("environment", environment), Fields.requireName("service", service), user, body);
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Path("/services/{service}/environments/{environment}")
    public PolicyView getService(@PathParam("service") String service, @PathParam("environment") String environment) {
        return get(Fields.requireName("environment", environment), Fields.requireName("service", service));
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    @Path("/services/{service}/environments/{environment}")
    public Response deleteService(@PathParam("service") String service, @PathParam("environment") String environment,
                                  @HeaderParam(USER_HEADER) String user) {
        return delete(Fields.requireName("environment", environment), Fields.requireName("service", service), user);
    }

    private Response put(String environment, String service, String user, JsonNode body) {
        PolicySettings settings;
        try {
            settings = PolicyBodies.read(body, service != null);
        } catch (InvalidPolicyException e) {
            throw ProblemException.invalidField(e.field(), e.getMessage());
        }
        String team;
        try {
            team = PolicyBodies.owningTeam(body);
        } catch (InvalidPolicyException e) {
            throw ProblemException.invalidField(e.field(), e.getMessage());
        }
        String by = by(body.get("by"), user);
        DecisionPolicies.Saved saved;
        try {
            // who may replace the policy there, then who may give it this team: checked under the scope's lock
            saved = policies.put(environment, service, settings, team, by,
                    owner -> caller.requireCanManage(owner, () -> ProblemException.notFound(noPolicy(environment, service))),
                    () -> caller.requireCanAssign(team, "team"));
        } catch (InvalidPolicyException e) {
            throw ProblemException.invalidField(e.field(), e.getMessage());
        }
        PolicyView view = PolicyView.of(saved.policy());
        return saved.created()
                ? Response.created(URI.create(path(environment, service))).entity(view).build()
                : Response.ok(view).build();
    }

    private PolicyView get(String environment, String service) {
        return policies.find(environment, service)
                .filter(policy -> caller.canSee(policy.row().team))
                .map(PolicyView::of)
                .orElseThrow(() -> ProblemException.notFound(noPolicy(environment, service)));
    }

    private Response delete(String environment, String service, String user) {
        if (!policies.delete(environment, service, by(null, user),
                owner -> caller.requireCanManage(owner, () -> ProblemException.notFound(noPolicy(environment, service))))) {
            throw ProblemException.notFound(noPolicy(environment, service));
        }
        return Response.noContent().build();
    }

    /**
     * Who changes the policy: the token's subject. The body's {@code by} and the {@code X-Lifeguard-User} header may
     * repeat it, nothing else.
     */
    private String by(JsonNode byField, String header) {
        String declared = null;
        if (byField != null && !byField.isNull()) {
            if (!byField.isTextual()) {
                throw ProblemException.invalidField("by", "field 'by' must be a string naming who changes the policy");
            }
            declared = byField.asText();
        }
        return Actors.subject(caller, new String[]{"by", USER_HEADER}, declared, header);
    }

    private static String noPolicy(String environment, String service) {
        return service == null ? "no policy for environment '" + environment + "'"
                : "no policy for service '" + service + "' in environment '" + environment + "'";
    }

    private static String path(String environment, String service) {
        return service == null ? "/api/v1/policies/environments/" + environment
                : "/api/v1/policies/services/" + service + "/environments/" + environment;
    }
}
