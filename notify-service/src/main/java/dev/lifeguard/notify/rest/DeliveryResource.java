package dev.lifeguard.notify.rest;

import dev.lifeguard.notify.DeliveryStatus;
import dev.lifeguard.notify.repository.DeliveryRepository;
import dev.lifeguard.notify.rest.dto.DeliveryView;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Caller;
import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Deliveries are their subscription's team's: each caller sees its own teams' (an admin every team's). */
@Path("/api/v1/deliveries")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryResource {

    private static final int MAX_LIMIT = 1000;

    private final DeliveryRepository deliveries;
    private final Caller caller;

    public DeliveryResource(DeliveryRepository deliveries, Caller caller) {
        this.deliveries = deliveries;
        this.caller = caller;
    }

    /** Newest first. */
    @GET
    @RolesAllowed(Roles.VIEWER)
    @Transactional
    public List<DeliveryView> list(@QueryParam("team") String team, @QueryParam("status") String status,
                                   @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "parameter 'limit' must be between 1 and " + MAX_LIMIT);
        }
        Set<String> visibleTeams = caller.isAdmin() ? null : caller.teams();
        return deliveries.search(Fields.optionalName("team", team), visibleTeams, status(status), limit).stream()
                .map(DeliveryView::of)
                .toList();
    }

    private static DeliveryStatus status(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return DeliveryStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("status", "parameter 'status' must be one of "
                    + Arrays.toString(DeliveryStatus.values()));
        }
    }
}
