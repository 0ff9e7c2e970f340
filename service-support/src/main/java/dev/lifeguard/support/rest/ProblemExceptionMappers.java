package dev.lifeguard.support.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.stream.Collectors;

/** Turns request errors into problem+json responses that name the offending field. */
public class ProblemExceptionMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(new Problem("about:blank", e.title(), e.status(), e.getMessage(), e.field()));
    }

    @ServerExceptionMapper(priority = 1)
    public Response unreadableJson(JsonParseException e) {
        return respond(new Problem("about:blank", "Malformed JSON", 400, e.getOriginalMessage(), null));
    }

    /** Quarkus ships a mapper for this subtype; ours must name the exact type to take precedence. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatchedJson(MismatchedInputException e) {
        return invalidJson(e);
    }

    /** A field the API does not offer (see {@code StrictRequestJson}): named, with the fields there are. */
    @ServerExceptionMapper(priority = 1)
    public Response unknownField(UnrecognizedPropertyException e) {
        String field = path(e);
        String known = e.getKnownPropertyIds() == null ? "" : "; known fields: " + e.getKnownPropertyIds().stream()
                .map(String::valueOf).sorted().collect(Collectors.joining(", "));
        return respond(new Problem("about:blank", "Invalid request", 400,
                "field '" + field + "' is not known" + known, field));
    }

    @ServerExceptionMapper(priority = 1)
    public Response invalidJson(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return unknownField(unknown);
        }
        String field = path(e);
        return respond(new Problem("about:blank", "Invalid request", 400,
                "field '" + field + "': " + e.getOriginalMessage(), field.isEmpty() ? null : field));
    }

    /**
     * Quarkus REST wraps body-parsing failures in a 400 WebApplicationException; unwrap them so the client
     * learns what was wrong, and answer every other HTTP error as a problem too.
     */
    @ServerExceptionMapper(priority = 1)
    public Response httpError(WebApplicationException e) {
        if (e.getCause() instanceof JsonParseException parse) {
            return unreadableJson(parse);
        }
        if (e.getCause() instanceof JsonMappingException mapping) {
            return invalidJson(mapping);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return respond(new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), e.getMessage(), null));
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
