package dev.lifeguard.deploy.rest;

import dev.lifeguard.deploy.rest.dto.RollbackView;
import dev.lifeguard.deploy.service.DeploymentService;
import dev.lifeguard.support.rest.Fields;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The rollback requests deploy-service received, one row each, with what it did about them. */
@Path("/api/v1/rollbacks")
@Produces(MediaType.APPLICATION_JSON)
public class RollbackResource {

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 1000;

    private final DeploymentService deployments;

    public RollbackResource(DeploymentService deployments) {
        this.deployments = deployments;
    }

    /** Newest first; both filters are optional. */
    @GET
    public List<RollbackView> rollbacks(@QueryParam("service") String service,
                                        @QueryParam("environment") String environment,
                                        @QueryParam("limit") String limit) {
        return deployments.rollbacks(Fields.optionalName("service", service),
                        Fields.optionalName("environment", environment),
                        Fields.limit("limit", limit, DEFAULT_LIMIT, MAX_LIMIT)).stream()
                .map(RollbackView::of)
                .toList();
    }
}
