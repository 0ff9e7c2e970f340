package dev.lifeguard.monitor.rest;

import dev.lifeguard.monitor.config.MonitorConfig;
import dev.lifeguard.monitor.event.InvalidSampleException;
import dev.lifeguard.monitor.event.MetricSampleReader;
import dev.lifeguard.monitor.rest.dto.AcceptedView;
import dev.lifeguard.monitor.service.ReportedSample;
import dev.lifeguard.monitor.service.SampleIntake;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;

@Path("/api/v1/metrics")
@Produces(MediaType.APPLICATION_JSON)
public class MetricsResource {

    private final MetricSampleReader sampleReader;
    private final SampleIntake intake;
    private final MonitorConfig config;

    public MetricsResource(MetricSampleReader sampleReader, SampleIntake intake, MonitorConfig config) {
        this.sampleReader = sampleReader;
        this.intake = intake;
        this.config = config;
    }

    /**
     * Takes in samples (an array, or one sample object), checked exactly like a record on the metrics topic, and
     * puts them on that topic: by the 202 the broker has them, and the engine judges them like any other. Unlike on
     * the topic, a field no sample has is refused (400 naming it). Reporting samples is CI's (or an exporter's) job.
     */
    @POST
    @RolesAllowed(Roles.CI)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response report(String body) {
        List<ReportedSample> samples;
        try {
            samples = sampleReader.readStrict(body, Instant.now().plus(config.clockSkew()));
        } catch (InvalidSampleException e) {
            throw ProblemException.invalidField(e.field(), e.getMessage());
        }
        try {
            intake.send(samples);
        } catch (SampleIntake.NotAcceptedException e) {
            throw new ProblemException(503, "Metrics topic unavailable", e.getMessage(), null);
        }
        return Response.accepted(new AcceptedView(samples.size())).build();
    }
}
