package dev.lifeguard.monitor.rest;

import dev.lifeguard.monitor.event.InvalidSampleException;
import dev.lifeguard.monitor.event.MetricSampleReader;
import dev.lifeguard.monitor.rest.dto.AcceptedView;
import dev.lifeguard.monitor.rest.dto.AnomalyView;
import dev.lifeguard.monitor.rest.dto.VerificationView;
import dev.lifeguard.monitor.service.ReportedSample;
import dev.lifeguard.monitor.service.VerificationService;
import dev.lifeguard.support.rest.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class MonitorResource {

    private final MetricSampleReader sampleReader;
    private final VerificationService verification;

    public MonitorResource(MetricSampleReader sampleReader, VerificationService verification) {
        this.sampleReader = sampleReader;
        this.verification = verification;
    }

    /**
     * Takes in samples (an array, or one sample object), read exactly like a record on the metrics topic. By
     * the 202 they are stored and judged: an anomaly they cause is already listed.
     */
    @POST
    @Path("/metrics")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response report(String body) {
        List<ReportedSample> samples;
        try {
            samples = sampleReader.read(body);
        } catch (InvalidSampleException e) {
            throw ProblemException.invalidField(e.field(), e.getMessage());
        }
        verification.ingest(samples);
        return Response.accepted(new AcceptedView(samples.size())).build();
    }

    /** Newest first; both filters are optional. */
    @GET
    @Path("/anomalies")
    public List<AnomalyView> anomalies(@QueryParam("service") String service,
                                       @QueryParam("environment") String environment) {
        return verification.anomalies(blankToNull(service), blankToNull(environment)).stream()
                .map(AnomalyView::of).toList();
    }

    @GET
    @Path("/anomalies/{id}")
    public AnomalyView anomaly(@PathParam("id") String id) {
        return verification.anomaly(id).map(AnomalyView::of)
                .orElseThrow(() -> ProblemException.notFound("no anomaly with id '" + id + "'"));
    }

    /** The deployment of the target that is (or was last) under verification, with its window. */
    @GET
    @Path("/deployments/{service}/{environment}")
    public VerificationView verification(@PathParam("service") String service,
                                         @PathParam("environment") String environment) {
        return verification.verification(service, environment).map(VerificationView::of)
                .orElseThrow(() -> ProblemException.notFound("no deployment of service '" + service
                        + "' in environment '" + environment + "' has been seen"));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
