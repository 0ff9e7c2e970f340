package dev.lifeguard.monitor.rest;

import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.lifeguard.monitor.rest.dto.AnomalyView;
import dev.lifeguard.monitor.service.AnalysisReadModel;
import dev.lifeguard.support.rest.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

@Path("/api/v1/anomalies")
@Produces(MediaType.APPLICATION_JSON)
public class AnomalyResource {

    private final AnalysisReadModel readModel;

    public AnomalyResource(AnalysisReadModel readModel) {
        this.readModel = readModel;
    }

    /** Newest first; both filters are optional. */
    @GET
    @RolesAllowed(Roles.VIEWER)
    public List<AnomalyView> anomalies(@QueryParam("service") String service,
                                       @QueryParam("environment") String environment) {
        return readModel.anomalies(Queries.blankToNull(service), Queries.blankToNull(environment)).stream()
                .map(AnomalyView::of).toList();
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Path("/{id}")
    public AnomalyView anomaly(@PathParam("id") String id) {
        return readModel.anomaly(id).map(AnomalyView::of)
                .orElseThrow(() -> ProblemException.notFound("no anomaly with id '" + id + "'"));
    }
}
