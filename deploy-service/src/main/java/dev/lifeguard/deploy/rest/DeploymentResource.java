package dev.lifeguard.deploy.rest;

import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.rest.dto.DeploymentRequest;
import dev.lifeguard.deploy.rest.dto.DeploymentView;
import dev.lifeguard.deploy.rest.dto.EnvironmentView;
import dev.lifeguard.deploy.service.DeploymentService;
import dev.lifeguard.deploy.service.ReportedDeployment;
import dev.lifeguard.deploy.service.RequestKeyConflictException;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class DeploymentResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final DeploymentService deployments;

    public DeploymentResource(DeploymentService deployments) {
        this.deployments = deployments;
    }

    /**
     * Reports a deployment (for CI without Kafka, and for humans). Re-reporting the running version is a no-op. A
     * client that retries should send an {@code Idempotency-Key}: every request with that key gets the deployment
     * the first one created, even when the first is applied after a newer deployment.
     */
    @POST
    @Path("/deployments")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response report(@HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, DeploymentRequest request) {
        if (request == null) {
            throw ProblemException.invalidField("body", "a JSON body with service, environment and version is required");
        }
        String service = Fields.requireName("service", request.service());
        String environment = Fields.requireName("environment", request.environment());
        String version = Fields.requireText("version", request.version());
        if (version.length() > 200) {
            throw ProblemException.invalidField("version", "field 'version' must be at most 200 characters");
        }
        String team = Fields.optionalName("team", request.team());
        String changeUrl = request.changeUrl() == null || request.changeUrl().isBlank() ? null : request.changeUrl().trim();
        if (changeUrl != null && !changeUrl.matches("(?i)https?://\\S{1,1990}")) {
            throw ProblemException.invalidField("changeUrl", "field 'changeUrl' must be an http(s) URL");
        }
        String image = request.image() == null || request.image().isBlank() ? null : request.image().trim();
        if (image != null && (image.length() > 1000 || !image.matches("[A-Za-z0-9][A-Za-z0-9._/:@+-]*"))) {
            throw ProblemException.invalidField("image", "field 'image' must be a container image reference"
                    + " (registry/name:tag or registry/name@sha256:...)");
        }
        String requestKey = requestKey(idempotencyKey);
        Deployment deployment;
        try {
            deployment = deployments.record(new ReportedDeployment(service, environment, version,
                    "pkg:generic/" + service + "@" + URLEncoder.encode(version, StandardCharsets.UTF_8),
                    team, request.commit(), changeUrl, null, null, requestKey, image, null));
        } catch (RequestKeyConflictException e) {
            throw new ProblemException(422, "Idempotency-Key reused", e.getMessage(), IDEMPOTENCY_KEY);
        }
        return Response.created(URI.create("/api/v1/deployments/" + deployment.id))
                .entity(DeploymentView.of(deployment))
                .build();
    }

    private static String requestKey(String header) {
        if (header == null) {
            return null;
        }
        String key = header.trim();
        if (key.isEmpty() || key.length() > 200 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ProblemException.invalidField(IDEMPOTENCY_KEY,
                    "header '" + IDEMPOTENCY_KEY + "' must be 1-200 visible ASCII characters");
        }
        return key;
    }

    @GET
    @Path("/deployments/{id}")
    public DeploymentView deployment(@PathParam("id") String id) {
        return deployments.find(id).map(DeploymentView::of)
                .orElseThrow(() -> ProblemException.notFound("no deployment with id '" + id + "'"));
    }

    @GET
    @Path("/services/{service}/environments/{environment}")
    public EnvironmentView environment(@PathParam("service") String service,
                                       @PathParam("environment") String environment) {
        return deployments.environment(service, environment).map(EnvironmentView::of)
                .orElseThrow(() -> ProblemException.notFound("nothing has been deployed for service '" + service
                        + "' in environment '" + environment + "'"));
    }
}
