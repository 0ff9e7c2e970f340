package dev.lifeguard.deploy.rest;

import dev.lifeguard.deploy.config.CiWebhookConfig;
import dev.lifeguard.deploy.service.CiDelivery;
import dev.lifeguard.deploy.service.CiDeliveryRefusedException;
import dev.lifeguard.deploy.service.CiWebhookIntake;
import dev.lifeguard.deploy.signing.HmacSignature;
import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Roles;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/v1/ci/events}: CI reports deployments over HTTP instead of Kafka, as a CloudEvent (structured
 * or binary mode) or a bare CDEvent, signed with its source's secret. 202 when accepted, 200 for a delivery seen
 * before, 401 for a bad or missing signature (nothing recorded), 400 naming the field it cannot read.
 * <p>
 * Authentication: EITHER a bearer token with role ci (for CI that can send one) OR a valid signature of a configured
 * source (GitHub and other webhook senders cannot send bearer tokens). A bearer token, once sent, decides: an invalid
 * one is 401 and one without role ci is 403, whatever the signature. The endpoint is therefore open at the JAX-RS
 * level ({@code @PermitAll}) and checks here; with neither, 401 problem+json.
 */
@Path("/api/v1/ci/events")
@PermitAll
public class CiWebhookResource {

    private static final Logger LOG = Logger.getLogger(CiWebhookResource.class);

    private final CiWebhookIntake intake;
    private final CiWebhookConfig config;
    private final SecurityIdentity identity;

    public CiWebhookResource(CiWebhookIntake intake, CiWebhookConfig config, SecurityIdentity identity) {
        this.intake = intake;
        this.config = config;
        this.identity = identity;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(@Context HttpHeaders headers, @QueryParam("source") String sourceParameter, byte[] body) {
        String tokenHolder = tokenHolder(headers.getHeaderString(HttpHeaders.AUTHORIZATION));
        requireJson(headers.getMediaType());
        if (body == null || body.length == 0) {
            throw ProblemException.invalidField("body", "the request body is empty: send the CloudEvent or CDEvent");
        }
        if (body.length > config.maxBodyBytes()) {
            throw new ProblemException(413, "Content Too Large", "the body has " + body.length
                    + " bytes; at most " + config.maxBodyBytes() + " are accepted", "body");
        }
        CiDelivery delivery = new CiDelivery(source(headers.getHeaderString(CiWebhookIntake.SOURCE_HEADER), sourceParameter),
                headers.getHeaderString(HmacSignature.HEADER), headers.getHeaderString(HmacSignature.GITHUB_HEADER),
                firstPresent(headers.getHeaderString(CiWebhookIntake.DELIVERY_HEADER),
                        headers.getHeaderString(CiWebhookIntake.GITHUB_DELIVERY_HEADER)),
                cloudEventAttributes(headers), body);
        CiWebhookIntake.Receipt receipt;
        try {
            receipt = tokenHolder != null ? intake.receiveFromTokenHolder(tokenHolder, delivery, Instant.now())
                    : intake.receive(delivery, Instant.now());
        } catch (CiDeliveryRefusedException e) {
            throw e.reason() == CiDeliveryRefusedException.Reason.UNAUTHENTICATED
                    ? new ProblemException(401, "Unauthorized", e.getMessage(), e.field())
                    : ProblemException.invalidField(e.field(), e.getMessage());
        } catch (RuntimeException e) {
            if (isDatabaseFailure(e)) {
                LOG.warnf("CI webhook: could not record a delivery: %s", e.toString());
                throw new ProblemException(503, "Service Unavailable",
                        "the delivery could not be recorded right now; nothing was accepted, send it again", null);
            }
            throw e;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", receipt.duplicate() ? "duplicate" : "accepted");
        answer.put("eventId", receipt.eventId());
        answer.put("deliveryId", receipt.deliveryId());
        answer.put("type", receipt.eventType());
        return Response.status(receipt.duplicate() ? Response.Status.OK : Response.Status.ACCEPTED)
                .type(MediaType.APPLICATION_JSON_TYPE).entity(answer).build();
    }

    /**
     * The subject of the bearer token sent, which must be valid (else 401, as on every endpoint) and carry role ci
     * (else 403); null when the request carries no bearer token (then its signature must authenticate it).
     */
    private String tokenHolder(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        // resolving the identity verifies the token; a bad one fails here (AuthenticationFailedException -> 401)
        if (identity.isAnonymous()) {
            throw new UnauthorizedException();
        }
        if (!identity.hasRole(Roles.CI)) {
            throw new ForbiddenException();
        }
        return identity.getPrincipal().getName();
    }

    /** JSON in any of its CloudEvents spellings; batches and forms are not read. */
    private static void requireJson(MediaType type) {
        if (type == null) {
            return;
        }
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        boolean json = "application".equalsIgnoreCase(type.getType())
                && (subtype.equals("json") || subtype.endsWith("+json")) && !subtype.equals("cloudevents-batch+json");
        if (!json) {
            throw new ProblemException(415, "Unsupported Media Type", "send application/json (a bare CDEvent or a"
                    + " binary-mode CloudEvent) or application/cloudevents+json, not " + type, "Content-Type");
        }
    }

    private static String source(String header, String parameter) {
        if (header != null && !header.isBlank() && parameter != null && !parameter.isBlank()
                && !header.trim().equals(parameter.trim())) {
            throw ProblemException.invalidField(CiWebhookIntake.SOURCE_HEADER,
                    "the " + CiWebhookIntake.SOURCE_HEADER + " header and ?source= name different sources");
        }
        return firstPresent(header, parameter);
    }

    private static String firstPresent(String first, String second) {
        return first != null && !first.isBlank() ? first : second;
    }

    /** Binary mode: {@code ce-*} headers, percent-decoded as the CloudEvents HTTP binding asks. */
    static Map<String, String> cloudEventAttributes(HttpHeaders headers) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : headers.getRequestHeaders().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("ce-") && name.length() > 3 && !header.getValue().isEmpty()) {
                attributes.put(name.substring(3), percentDecode(header.getValue().get(0)));
            }
        }
        return attributes;
    }

    static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < value.length()) {
            if (value.charAt(i) == '%' && i + 2 < value.length() && isHex(value.charAt(i + 1))
                    && isHex(value.charAt(i + 2))) {
                bytes.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
                i += 3;
            } else {
                int codePoint = value.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** The database (or its connection pool or transaction manager) failed: worth a retry, not a 500. */
    private static boolean isDatabaseFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException || cause instanceof PersistenceException
                    || cause instanceof org.hibernate.HibernateException
                    || cause instanceof jakarta.transaction.RollbackException
                    || cause instanceof jakarta.transaction.SystemException
                    || cause.getClass().getName().startsWith("io.quarkus.narayana.jta.QuarkusTransactionException")) {
                return true;
            }
        }
        return false;
    }
}
