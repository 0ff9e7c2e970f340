package dev.lifeguard.postmortem.rest;

import dev.lifeguard.postmortem.AuditEntry;
import dev.lifeguard.postmortem.config.PostmortemConfig;
import dev.lifeguard.postmortem.repository.AuditEntryRepository;
import dev.lifeguard.postmortem.rest.dto.AuditEntryView;
import dev.lifeguard.postmortem.rest.dto.AuditPage;
import dev.lifeguard.postmortem.service.AuditService;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The platform's audit trail (every service's mutating calls, allowed or refused, and automatic actions), for admins:
 * it names people, their teams and addresses. Newest first, in pages: {@code before} takes the {@code next} of the
 * previous page.
 */
@Path("/api/v1/audit")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    static final int DEFAULT_LIMIT = 100;
    /** A mistyped filter must not silently widen an audit query to everything. */
    private static final Set<String> PARAMETERS = Set.of("actor", "action", "service", "outcome", "target", "from",
            "to", "limit", "before");
    private static final int MAX_TEXT = 500;

    private final AuditService audit;
    private final int maxLimit;

    public AuditResource(AuditService audit, PostmortemConfig config) {
        this.audit = audit;
        this.maxLimit = config.audit().maxLimit();
    }

    /**
     * {@code actor}, {@code service}, {@code outcome}: exact; {@code action}: a case-insensitive part of it (e.g.
     * {@code approve}, or {@code POST /api/v1/rollbacks}); {@code target}: how it starts; {@code from} (inclusive),
     * {@code to} (exclusive): ISO-8601 date-times with an offset.
     */
    @GET
    public AuditPage search(@Context UriInfo uri,
                            @QueryParam("actor") String actor, @QueryParam("action") String action,
                            @QueryParam("service") String service, @QueryParam("outcome") String outcome,
                            @QueryParam("target") String target, @QueryParam("from") String from,
                            @QueryParam("to") String to, @QueryParam("limit") String limit,
                            @QueryParam("before") String before) {
        Set<String> unknown = new TreeSet<>(uri.getQueryParameters().keySet());
        unknown.removeAll(PARAMETERS);
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw ProblemException.invalidField(first, "unknown query parameter '" + first + "'; the filters are "
                    + new TreeSet<>(PARAMETERS));
        }
        OffsetDateTime fromTime = time("from", from);
        OffsetDateTime toTime = time("to", to);
        if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
            throw ProblemException.invalidField("to", "parameter 'to' must be after 'from'");
        }
        int pageSize = Fields.limit("limit", limit, DEFAULT_LIMIT, maxLimit);
        AuditEntry after = before == null || before.isBlank() ? null : audit.find(text("before", before))
                .orElseThrow(() -> ProblemException.invalidField("before",
                        "parameter 'before' must be the id of an audit entry (a page's 'next')"));
        List<AuditEntry> entries = audit.search(new AuditEntryRepository.Query(text("actor", actor),
                text("action", action), Fields.optionalName("service", service), text("outcome", outcome),
                text("target", target), fromTime, toTime, after, pageSize));
        String next = entries.size() == pageSize ? entries.get(entries.size() - 1).eventId : null;
        return new AuditPage(entries.stream().map(AuditEntryView::of).toList(), next);
    }

    private static String text(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > MAX_TEXT) {
            throw ProblemException.invalidField(field, "parameter '" + field + "' is longer than " + MAX_TEXT);
        }
        return value.trim();
    }

    private static OffsetDateTime time(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(field, "parameter '" + field
                    + "' must be an ISO-8601 date-time with an offset, e.g. 2026-12-03T10:15:00Z");
        }
    }
}
