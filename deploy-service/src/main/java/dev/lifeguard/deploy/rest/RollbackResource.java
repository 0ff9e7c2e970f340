package dev.lifeguard.deploy.rest;

import dev.lifeguard.deploy.rest.dto.RollbackView;
import dev.lifeguard.deploy.service.RollbackExecutions;
import dev.lifeguard.deploy.service.RollbackQueries;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Caller;
import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The rollback requests deploy-service received, one row each, with what became of them. */
@Path("/api/v1/rollbacks")
@Produces(MediaType.APPLICATION_JSON)
public class RollbackResource {

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 1000;

    private static final Set<String> COMPLETE_FIELDS = Set.of("note", "by");

    private final RollbackQueries queries;
    private final RollbackExecutions executions;
    private final Caller caller;

    public RollbackResource(RollbackQueries queries, RollbackExecutions executions, Caller caller) {
        this.queries = queries;
        this.executions = executions;
        this.caller = caller;
    }

    /** Newest first; both filters are optional. Rollbacks are operational records: every viewer reads them all. */
    @GET
    @RolesAllowed(Roles.VIEWER)
    public List<RollbackView> rollbacks(@QueryParam("service") String service,
                                        @QueryParam("environment") String environment,
                                        @QueryParam("limit") String limit) {
        return queries.newestFirst(Fields.optionalName("service", service),
                        Fields.optionalName("environment", environment),
                        Fields.limit("limit", limit, DEFAULT_LIMIT, MAX_LIMIT)).stream()
                .map(RollbackView::of)
                .toList();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.VIEWER)
    public RollbackView rollback(@PathParam("id") String id) {
        return queries.find(id).map(RollbackView::of)
                .orElseThrow(() -> ProblemException.notFound("no rollback with id '" + id + "'"));
    }

    /**
     * Someone rolled back by hand (manual executor) or their CD tool finished without telling CI to report it: the
     * rollback is done and the restored version runs. Completing a completed rollback is a no-op; completing a failed
     * or skipped one is refused (409). A webhook receiver (role ci) or a person (operator) confirms; not team-scoped
     * (on-call crosses teams). Who confirmed is the token's subject: {@code by}, when given, must be it.
     */
    @POST
    @Path("/{id}/complete")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @RolesAllowed({Roles.CI, Roles.OPERATOR})
    public RollbackView complete(@PathParam("id") String id, Map<String, Object> body) {
        if (body != null) {
            KnownFields.only(body.keySet(), COMPLETE_FIELDS);
        }
        Object note = body == null ? null : body.get("note");
        if (note != null && (!(note instanceof String text) || text.length() > 500)) {
            throw ProblemException.invalidField("note", "field 'note' must be text of at most 500 characters");
        }
        Object by = body == null ? null : body.get("by");
        if (by != null && !(by instanceof String)) {
            throw ProblemException.invalidField("by", "field 'by' must be text");
        }
        Actors.requireSubject(caller, "by", (String) by);
        // a person (operator) or a CI webhook receiver: the rollback records which kind, the detail says who
        String reportedBy = caller.hasRole(Roles.OPERATOR) ? RollbackExecutions.BY_PERSON : RollbackExecutions.BY_CI;
        try {
            return RollbackView.of(executions.completeBy(id, caller.subject(), reportedBy, (String) note));
        } catch (RollbackExecutions.UnknownRollbackException e) {
            throw ProblemException.notFound(e.getMessage());
        } catch (RollbackExecutions.RollbackSettledException e) {
            throw new ProblemException(409, "Rollback settled", e.getMessage(), "id");
        }
    }
}
