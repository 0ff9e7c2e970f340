package dev.lifeguard.support.outbox;

import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every service's outbox, for operators: what waits, what is parked and why, and a retry once the cause is
 * fixed. {@code GET /api/v1/outbox?status=parked}, {@code POST /api/v1/outbox/{id}/retry}.
 */
@Path("/api/v1/outbox")
@Produces(MediaType.APPLICATION_JSON)
public class OutboxResource {

    private static final int MAX_LIMIT = 1000;

    private final Outbox outbox;

    public OutboxResource(Outbox outbox) {
        this.outbox = outbox;
    }

    /** One row as operators see it; the payload is left out (fetch the event from its topic). */
    public record OutboxRowView(long id, String eventId, String eventType, String topic, String key, String status,
                                int attempts, String lastError, OffsetDateTime createdAt, OffsetDateTime nextAttemptAt,
                                OffsetDateTime parkedAt, OffsetDateTime sentAt) {

        static OutboxRowView of(OutboxEvent row) {
            return new OutboxRowView(row.id, row.eventId, row.eventType, row.topic, row.recordKey,
                    row.status.name().toLowerCase(Locale.ROOT), row.attempts, row.lastError, row.createdAt,
                    row.status == OutboxStatus.SENT ? null : row.nextAttemptAt, row.parkedAt, row.sentAt);
        }
    }

    /** Oldest first; without {@code status}, every row not sent yet. */
    @GET
    @RolesAllowed(Roles.VIEWER)
    public List<OutboxRowView> list(@QueryParam("status") String status, @QueryParam("limit") String limit) {
        return outbox.list(status(status), Fields.limit("limit", limit, 100, MAX_LIMIT)).stream()
                .map(OutboxRowView::of).toList();
    }

    @POST
    @Path("/{id}/retry")
    @RolesAllowed(Roles.OPERATOR)
    public OutboxRowView retry(@PathParam("id") String id) {
        long rowId = id(id);
        if (outbox.find(rowId).isEmpty()) {
            throw ProblemException.notFound("no outbox row with id " + rowId);
        }
        return outbox.retryNow(rowId).map(OutboxRowView::of).orElseThrow(() -> new ProblemException(409, "Conflict",
                "outbox row " + rowId + " has been sent already", "id"));
    }

    private static Optional<OutboxStatus> status(String status) {
        if (status == null || status.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OutboxStatus.valueOf(status.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("status", "query parameter 'status' must be pending, parked or sent");
        }
    }

    private static long id(String id) {
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("id", "path parameter 'id' must be an outbox row number, not '" + id + "'");
        }
    }
}
