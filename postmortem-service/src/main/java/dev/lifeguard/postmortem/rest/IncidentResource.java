package dev.lifeguard.postmortem.rest;

import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;

import dev.lifeguard.postmortem.Incident;
import dev.lifeguard.postmortem.report.DecisionStory;
import dev.lifeguard.postmortem.report.PostmortemRenderer;
import dev.lifeguard.postmortem.rest.dto.DecisionView;
import dev.lifeguard.postmortem.rest.dto.FixView;
import dev.lifeguard.postmortem.rest.dto.IncidentDetailView;
import dev.lifeguard.postmortem.rest.dto.IncidentView;
import dev.lifeguard.postmortem.rest.dto.TimelineEntryView;
import dev.lifeguard.postmortem.service.IncidentService;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

@Path("/api/v1/incidents")
@RolesAllowed(Roles.VIEWER)
@Produces(MediaType.APPLICATION_JSON)
public class IncidentResource {

    private final IncidentService incidents;

    public IncidentResource(IncidentService incidents) {
        this.incidents = incidents;
    }

    /** Newest first; both filters are optional. */
    @GET
    public List<IncidentView> list(@QueryParam("service") String service, @QueryParam("environment") String environment) {
        return incidents.search(Fields.optionalName("service", service), Fields.optionalName("environment", environment))
                .stream().map(IncidentView::of).toList();
    }

    @GET
    @Path("/{id}")
    public IncidentDetailView incident(@PathParam("id") String id) {
        Incident incident = find(id);
        List<DecisionStory> decisions = incidents.decisions(incident);
        return new IncidentDetailView(IncidentView.of(incident),
                incidents.timeline(incident).stream().map(TimelineEntryView::of).toList(),
                incidents.fixes(incident).entrySet().stream()
                        .map(fix -> FixView.of(fix.getKey(), fix.getValue())).toList(),
                DecisionStory.latest(decisions).map(DecisionView::of).orElse(null),
                decisions.stream().map(DecisionView::of).toList());
    }

    @GET
    @Path("/{id}/postmortem")
    @Produces(PostmortemRenderer.MEDIA_TYPE)
    public String postmortem(@PathParam("id") String id) {
        Incident incident = find(id);
        return PostmortemRenderer.render(incident, incidents.timeline(incident), incidents.fixes(incident),
                incidents.decisions(incident));
    }

    private Incident find(String id) {
        return incidents.find(id).orElseThrow(() -> ProblemException.notFound("no incident with id '" + id + "'"));
    }
}
