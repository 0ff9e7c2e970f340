package dev.lifeguard.notify.rest;

import dev.lifeguard.notify.Subscription;
import dev.lifeguard.notify.channel.ChannelUrl;
import dev.lifeguard.notify.channel.ChannelUrlGuard;
import dev.lifeguard.notify.channel.ChatChannels;
import dev.lifeguard.notify.rest.dto.SubscriptionRequest;
import dev.lifeguard.notify.rest.dto.SubscriptionView;
import dev.lifeguard.notify.service.SubscriptionService;
import dev.lifeguard.notify.service.TeamTopics;
import dev.lifeguard.support.net.RejectedUrlException;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Caller;
import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Subscriptions are their team's: only its members (and admins) see them, only its operators (and admins) create or
 * delete them; to anyone else another team's subscription does not exist (404).
 */
@Path("/api/v1/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
public class SubscriptionResource {

    private static final int MAX_SERVICES = 100;

    private final SubscriptionService subscriptions;
    private final ChatChannels channels;
    private final ChannelUrlGuard urlGuard;
    private final TeamTopics teamTopics;
    private final Caller caller;

    public SubscriptionResource(SubscriptionService subscriptions, ChatChannels channels, ChannelUrlGuard urlGuard,
                                TeamTopics teamTopics, Caller caller) {
        this.subscriptions = subscriptions;
        this.channels = channels;
        this.urlGuard = urlGuard;
        this.teamTopics = teamTopics;
        this.caller = caller;
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response subscribe(SubscriptionRequest request) {
        if (request == null) {
            throw ProblemException.invalidField("body", "a JSON body with team, services and channel is required");
        }
        String team = Fields.requireName("team", request.team());
        caller.requireCanAssign(team, "team");
        List<String> services = services(request.services());
        if (request.channel() == null) {
            throw ProblemException.invalidField("channel", "field 'channel' ({type, url}) is required");
        }
        String type = Fields.requireText("channel.type", request.channel().type());
        if (channels.byType(type).isEmpty()) {
            throw ProblemException.invalidField("channel.type", "field 'channel.type' must be one of " + channels.types());
        }
        ChannelUrl url;
        try {
            url = urlGuard.check(request.channel().url());
        } catch (RejectedUrlException e) {
            throw ProblemException.invalidField("channel.url", "field 'channel.url': " + e.getMessage());
        }
        Subscription subscription = subscriptions.subscribe(team, services, type, url);
        teamTopics.ensure(team);
        return Response.created(URI.create("/api/v1/subscriptions/" + subscription.id))
                .entity(SubscriptionView.of(subscription))
                .build();
    }

    /** The caller's teams' subscriptions (every team's for an admin), optionally of one team. */
    @GET
    @RolesAllowed(Roles.VIEWER)
    public List<SubscriptionView> list(@QueryParam("team") String team) {
        return subscriptions.list(Fields.optionalName("team", team)).stream()
                .filter(subscription -> caller.canSee(subscription.team))
                .map(SubscriptionView::of).toList();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.VIEWER)
    public SubscriptionView subscription(@PathParam("id") String id) {
        return subscriptions.find(id).filter(subscription -> caller.canSee(subscription.team))
                .map(SubscriptionView::of)
                .orElseThrow(() -> notFound(id));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.OPERATOR)
    public Response unsubscribe(@PathParam("id") String id) {
        Subscription subscription = subscriptions.find(id).orElseThrow(() -> notFound(id));
        caller.requireCanManage(subscription.team, () -> notFound(id));
        if (!subscriptions.unsubscribe(id)) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("no subscription with id '" + id + "'");
    }

    /** Service names or "*", without duplicates, in the order given. */
    private static List<String> services(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            throw ProblemException.invalidField("services", "field 'services' must list service names, or \"*\" for all");
        }
        if (requested.size() > MAX_SERVICES) {
            throw ProblemException.invalidField("services", "field 'services' may list at most " + MAX_SERVICES + " names");
        }
        Set<String> services = new LinkedHashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String field = "services[" + i + "]";
            String service = Fields.requireText(field, requested.get(i));
            services.add(Subscription.ALL_SERVICES.equals(service) ? service : Fields.requireName(field, service));
        }
        return new ArrayList<>(services);
    }
}
