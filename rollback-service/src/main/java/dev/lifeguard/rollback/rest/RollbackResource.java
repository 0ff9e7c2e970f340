package dev.lifeguard.rollback.rest;

import dev.lifeguard.rollback.rest.dto.RollbackDecisionView;
import dev.lifeguard.rollback.service.RollbackService;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

@Path("/api/v1/rollbacks")
@Produces(MediaType.APPLICATION_JSON)
public class RollbackResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final RollbackService rollbacks;

    public RollbackResource(RollbackService rollbacks) {
        this.rollbacks = rollbacks;
    }

    /** Decisions, newest first, optionally for one service and/or environment. */
    @GET
    public List<RollbackDecisionView> decisions(@QueryParam("service") String service,
                                                @QueryParam("environment") String environment,
                                                @QueryParam("limit") String limit) {
        return rollbacks.decisions(Fields.optionalName("service", service),
                        Fields.optionalName("environment", environment),
                        Fields.limit("limit", limit, DEFAULT_LIMIT, MAX_LIMIT)).stream()
                .map(RollbackDecisionView::of)
                .toList();
    }

    @GET
    @Path("/{id}")
    public RollbackDecisionView decision(@PathParam("id") String id) {
        return rollbacks.find(id).map(RollbackDecisionView::of)
                .orElseThrow(() -> ProblemException.notFound("no rollback decision with id '" + id + "'"));
    }
}
