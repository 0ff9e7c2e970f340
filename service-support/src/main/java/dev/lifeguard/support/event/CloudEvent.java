package dev.lifeguard.support.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * A CloudEvents 1.0 event whose data is JSON (for Lifeguard: a CDEvent).
 *
 * @param chainId the CDEvents chain this event belongs to, also carried as the {@code chainid} extension
 */
public record CloudEvent(String id, String source, String type, String subject, OffsetDateTime time,
                         String chainId, JsonNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
    }

    /** The structured-mode JSON document, the shape Lifeguard always emits. */
    public ObjectNode toStructuredJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.put("specversion", SPEC_VERSION);
        json.put("id", id);
        json.put("source", source);
        json.put("type", type);
        if (subject != null) {
            json.put("subject", subject);
        }
        if (time != null) {
            // ISO_OFFSET_DATE_TIME always writes seconds, which RFC 3339 requires (toString drops ":00").
            json.put("time", time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        }
        if (chainId != null) {
            json.put("chainid", chainId);
        }
        json.put("datacontenttype", "application/json");
        json.set("data", data);
        return json;
    }

    /** The CDEvent carried as data, or an empty view when data is not a CDEvent. */
    public CdEvent cdEvent() {
        return new CdEvent(data);
    }
}
