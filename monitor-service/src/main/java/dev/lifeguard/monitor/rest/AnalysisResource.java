package dev.lifeguard.monitor.rest;

import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.lifeguard.monitor.rest.dto.AnalysisView;
import dev.lifeguard.monitor.service.AnalysisReadModel;
import dev.lifeguard.support.rest.ProblemException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Analyses as the engine reports them; any instance answers for every target (the read model is shared). */
@Path("/api/v1/analyses")
@Produces(MediaType.APPLICATION_JSON)
public class AnalysisResource {

    private static final Set<String> STATUSES = Set.of("RUNNING", "PASSED", "FAILED", "INCONCLUSIVE");

    private final AnalysisReadModel readModel;

    public AnalysisResource(AnalysisReadModel readModel) {
        this.readModel = readModel;
    }

    /** The target's current analysis, or the last one that ended. */
    @GET
    @RolesAllowed(Roles.VIEWER)
    @Path("/{service}/{environment}")
    public AnalysisView current(@PathParam("service") String service, @PathParam("environment") String environment) {
        return readModel.latest(service, environment).map(AnalysisView::of)
                .orElseThrow(() -> ProblemException.notFound("no analysis of service '" + service + "' in environment '"
                        + environment + "' has started"));
    }

    /** Newest first; every filter is optional. */
    @GET
    @RolesAllowed(Roles.VIEWER)
    public List<AnalysisView> search(@QueryParam("service") String service, @QueryParam("environment") String environment,
                                     @QueryParam("status") String status,
                                     @QueryParam("limit") @DefaultValue("100") int limit) {
        String wanted = Queries.blankToNull(status);
        if (wanted != null) {
            wanted = wanted.toUpperCase(Locale.ROOT);
            if (!STATUSES.contains(wanted)) {
                throw ProblemException.invalidField("status", "query parameter 'status' must be one of RUNNING, PASSED, "
                        + "FAILED, INCONCLUSIVE but was '" + status + "'");
            }
        }
        if (limit < 1 || limit > 1000) {
            throw ProblemException.invalidField("limit", "query parameter 'limit' must be from 1 to 1000 but was " + limit);
        }
        return readModel.search(Queries.blankToNull(service), Queries.blankToNull(environment), wanted, limit).stream()
                .map(AnalysisView::of).toList();
    }
}
