package dev.lifeguard.support.security;

import dev.lifeguard.support.rest.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Request bodies over {@code quarkus.http.limits.max-body-size} get 413 problem+json before anything reads them
 * (declared with Content-Length). A chunked body that grows past the limit is cut off by the HTTP server itself, with a
 * plain 413.
 */
@ApplicationScoped
public class BodyLimit {

    void install(@Observes Router router,
                 @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        long maxBytes = limit.asLongValue();
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared != null && exceeds(declared, maxBytes)) {
                String body = "{\"type\":\"about:blank\",\"title\":\"Content Too Large\",\"status\":413,"
                        + "\"detail\":\"the request body may be at most " + maxBytes + " bytes\"}";
                context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close").end(body);
                return;
            }
            context.next();
        });
    }

    private static boolean exceeds(String declared, long maxBytes) {
        try {
            return Long.parseLong(declared.trim()) > maxBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
