package dev.lifeguard.rollback.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.rollback.rest.dto.ApprovalBody;
import dev.lifeguard.rollback.rest.dto.ManualRollbackBody;
import dev.lifeguard.rollback.rest.dto.RollbackDecisionView;
import dev.lifeguard.rollback.service.ApprovalRefusedException;
import dev.lifeguard.rollback.service.Approvals;
import dev.lifeguard.rollback.service.ManualRollbackRefusedException;
import dev.lifeguard.rollback.service.ManualRollbackRequest;
import dev.lifeguard.rollback.service.ManualRollbacks;
import dev.lifeguard.rollback.service.RollbackService;
import dev.lifeguard.support.rest.Fields;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Caller;
import dev.lifeguard.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;

/**
 * Rollback decisions: read by every viewer; a manual rollback, an approval or a rejection needs an operator, of any
 * team (on-call crosses teams). Whoever acts is the token's subject.
 */
@Path("/api/v1/rollbacks")
@Produces(MediaType.APPLICATION_JSON)
public class RollbackResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String USER = "X-Lifeguard-User";
    static final int MAX_REASON_LENGTH = 2000;
    static final int MAX_VERSION_LENGTH = 200;
    static final int MAX_REQUESTED_BY_LENGTH = 200;
    static final List<String> APPROVAL_FIELDS = List.of("by", "reason");

    private final RollbackService rollbacks;
    private final ManualRollbacks manualRollbacks;
    private final Approvals approvals;
    private final ObjectMapper mapper;
    private final Caller caller;

    public RollbackResource(RollbackService rollbacks, ManualRollbacks manualRollbacks, Approvals approvals,
                            ObjectMapper mapper, Caller caller) {
        this.mapper = mapper;
        this.caller = caller;
        this.rollbacks = rollbacks;
        this.manualRollbacks = manualRollbacks;
        this.approvals = approvals;
    }

    /** Decisions, newest first, optionally for one service and/or environment. */
    @GET
    @RolesAllowed(Roles.VIEWER)
    public List<RollbackDecisionView> decisions(@QueryParam("service") String service,
                                                @QueryParam("environment") String environment,
                                                @QueryParam("limit") String limit) {
        return rollbacks.decisions(Fields.optionalName("service", service),
                        Fields.optionalName("environment", environment),
                        Fields.limit("limit", limit, DEFAULT_LIMIT, MAX_LIMIT)).stream()
                .map(RollbackDecisionView::of)
                .toList();
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Path("/{id}")
    public RollbackDecisionView decision(@PathParam("id") String id) {
        return rollbacks.find(id).map(RollbackDecisionView::of)
                .orElseThrow(() -> ProblemException.notFound("no rollback decision with id '" + id + "'"));
    }

    /**
     * A manual rollback of what runs now, to {@code toVersion} or the stable version: a MANUAL decision, published
     * and executed like an automatic one. A client that retries should send an {@code Idempotency-Key}: every
     * request with that key gets the decision the first one made (201 again).
     */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response requestRollback(@HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
                                    @HeaderParam(USER) String user, ManualRollbackBody body) {
        if (body == null) {
            throw ProblemException.invalidField("body", "a JSON body with service, environment and reason is required");
        }
        ManualRollbackRequest request = new ManualRollbackRequest(
                Fields.requireName("service", body.service()),
                Fields.requireName("environment", body.environment()),
                limited("reason", Fields.requireText("reason", body.reason()), MAX_REASON_LENGTH),
                optionalText("toVersion", body.toVersion(), MAX_VERSION_LENGTH),
                Actors.subject(caller, new String[]{"requestedBy", USER},
                        optionalText("requestedBy", body.requestedBy(), MAX_REQUESTED_BY_LENGTH), user),
                idempotencyKey(idempotencyKey));
        ManualRollbacks.Outcome outcome;
        try {
            outcome = manualRollbacks.request(request);
        } catch (ManualRollbackRefusedException e) {
            throw problem(e);
        }
        return Response.created(URI.create("/api/v1/rollbacks/" + outcome.decision().id))
                .entity(RollbackDecisionView.of(outcome.decision()))
                .build();
    }

    /** Approves a decision waiting for a person (AWAITING_APPROVAL or HELD): its rollback is requested. */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/approve")
    @Consumes(MediaType.WILDCARD)
    public RollbackDecisionView approve(@PathParam("id") String id, @HeaderParam(USER) String user, String text) {
        ApprovalBody body = approvalBody(text);
        String by = by(body, user);
        String reason = optionalText("reason", body != null ? body.reason() : null, MAX_REASON_LENGTH);
        try {
            return RollbackDecisionView.of(approvals.approve(id, by, reason));
        } catch (ApprovalRefusedException e) {
            throw problem(e);
        }
    }

    /** Rejects a decision waiting for a person (AWAITING_APPROVAL or HELD), for a reason: nothing is executed. */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/reject")
    @Consumes(MediaType.WILDCARD)
    public RollbackDecisionView reject(@PathParam("id") String id, @HeaderParam(USER) String user, String text) {
        ApprovalBody body = approvalBody(text);
        String by = by(body, user);
        String reason = limited("reason", Fields.requireText("reason", body != null ? body.reason() : null),
                MAX_REASON_LENGTH);
        try {
            return RollbackDecisionView.of(approvals.reject(id, by, reason));
        } catch (ApprovalRefusedException e) {
            throw problem(e);
        }
    }

    /**
     * The body read as JSON whatever its content type: {@code curl -d '{"by":"alice"}'} sends it as a form. An empty
     * body is no body.
     */
    private ApprovalBody approvalBody(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        JsonNode json;
        try {
            json = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw ProblemException.invalidField("body", "the body must be a JSON object with by and reason");
        }
        if (!json.isObject()) {
            throw ProblemException.invalidField("body", "the body must be a JSON object with by and reason");
        }
        for (java.util.Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!APPROVAL_FIELDS.contains(name)) {
                throw ProblemException.invalidField(name, "unknown field '" + name + "' (known: by, reason)");
            }
        }
        for (String field : APPROVAL_FIELDS) {
            if (json.has(field) && !json.get(field).isTextual() && !json.get(field).isNull()) {
                throw ProblemException.invalidField(field, "field '" + field + "' must be text");
            }
        }
        return new ApprovalBody(json.path("by").textValue(), json.path("reason").textValue());
    }

    /** Who settles: the token's subject; the body's {@code by} and the header may only repeat it. */
    private String by(ApprovalBody body, String user) {
        return Actors.subject(caller, new String[]{"by", USER},
                optionalText("by", body != null ? body.by() : null, MAX_REQUESTED_BY_LENGTH), user);
    }

    private static ProblemException problem(ApprovalRefusedException refused) {
        return switch (refused.refusal()) {
            case UNKNOWN_DECISION -> ProblemException.notFound(refused.getMessage());
            case CONFLICT -> new ProblemException(409, "Conflict", refused.getMessage(), refused.field());
        };
    }

    private static ProblemException problem(ManualRollbackRefusedException refused) {
        return switch (refused.refusal()) {
            case INVALID_FIELD -> ProblemException.invalidField(refused.field(), refused.getMessage());
            case UNKNOWN_TARGET -> ProblemException.notFound(refused.getMessage());
            case CONFLICT -> new ProblemException(409, "Conflict", refused.getMessage(), refused.field());
            case IDEMPOTENCY_KEY_REUSED ->
                    new ProblemException(422, "Idempotency-Key reused", refused.getMessage(), refused.field());
        };
    }

    private static String limited(String field, String value, int maxLength) {
        if (value.length() > maxLength) {
            throw ProblemException.invalidField(field, "field '" + field + "' must be at most " + maxLength + " characters");
        }
        return value;
    }

    private static String optionalText(String field, String value, int maxLength) {
        return value == null || value.isBlank() ? null : limited(field, value.trim(), maxLength);
    }

    private static String idempotencyKey(String header) {
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
}
