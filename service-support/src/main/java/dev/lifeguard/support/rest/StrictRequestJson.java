package dev.lifeguard.support.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * REST request bodies refuse fields they do not know (no mass assignment: a client cannot set what the API does not
 * offer), answered 400 problem+json naming the field by {@link ProblemExceptionMappers}. Only REST: events read from
 * Kafka keep ignoring unknown fields, so a newer producer's additions do not dead-letter them.
 */
@Provider
public class StrictRequestJson implements ContextResolver<ObjectMapper> {

    private final ObjectMapper strict;

    public StrictRequestJson(ObjectMapper mapper) {
        this.strict = mapper.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return strict;
    }
}
