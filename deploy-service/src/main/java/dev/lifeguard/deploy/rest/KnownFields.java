package dev.lifeguard.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.rest.ProblemException;

import java.util.Collection;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bodies read as raw JSON are not covered by the strict REST mapper: they refuse unknown fields here, so a client
 * cannot slip in what the API does not offer (no mass assignment) and a typo is not silently ignored.
 */
final class KnownFields {

    private KnownFields() {
    }

    /** 400 naming the first field of {@code body} (an object, or null) not in {@code known}. */
    static void only(JsonNode body, String prefix, Set<String> known) {
        if (body == null || !body.isObject()) {
            return;
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw unknown(prefix + name, known);
            }
        }
    }

    /** As {@link #only(JsonNode, String, Set)}, for a body read as a map. */
    static void only(Collection<String> names, Set<String> known) {
        names.stream().filter(name -> !known.contains(name)).sorted().findFirst().ifPresent(name -> {
            throw unknown(name, known);
        });
    }

    private static ProblemException unknown(String field, Set<String> known) {
        return ProblemException.invalidField(field, "field '" + field + "' is not known; known fields: "
                + String.join(", ", new TreeSet<>(known)));
    }
}
