package dev.lifeguard.deploy.rest;

import dev.lifeguard.deploy.rest.dto.RollbackView;
import dev.lifeguard.deploy.service.RollbackExecutions;
import dev.lifeguard.deploy.service.RollbackQueries;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
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

/** The rollback requests deploy-service received, one row each, with what became of them. */
@Path("/api/v1/rollbacks")
@Produces(MediaType.APPLICATION_JSON)
public class RollbackResource {

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 1000;

    private final RollbackQueries queries;
    private final RollbackExecutions executions;

    public RollbackResource(RollbackQueries queries, RollbackExecutions executions) {
        this.queries = queries;
        this.executions = executions;
    }

    /** Newest first; both filters are optional. */
    @GET
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
    public RollbackView rollback(@PathParam("id") String id) {
        return queries.find(id).map(RollbackView::of)
                .orElseThrow(() -> ProblemException.notFound("no rollback with id '" + id + "'"));
    }

    /**
     * Someone rolled back by hand (manual executor) or their CD tool finished without telling CI to report it: the
     * rollback is done and the restored version runs. Completing a completed rollback is a no-op; completing a failed
     * or skipped one is refused (409).
     */
    @POST
    @Path("/{id}/complete")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public RollbackView complete(@PathParam("id") String id, Map<String, Object> body) {
        Object note = body == null ? null : body.get("note");
        if (note != null && (!(note instanceof String text) || text.length() > 500)) {
            throw ProblemException.invalidField("note", "field 'note' must be text of at most 500 characters");
        }
        try {
            return RollbackView.of(executions.completeByPerson(id, (String) note));
        } catch (RollbackExecutions.UnknownRollbackException e) {
            throw ProblemException.notFound(e.getMessage());
        } catch (RollbackExecutions.RollbackSettledException e) {
            throw new ProblemException(409, "Rollback settled", e.getMessage(), "id");
        }
    }
}
