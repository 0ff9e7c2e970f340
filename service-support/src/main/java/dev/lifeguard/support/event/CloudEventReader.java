package dev.lifeguard.support.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads a Kafka record in any of the three shapes CI tools and Lifeguard services send:
 * a binary-mode CloudEvent ({@code ce_*} headers), a structured-mode CloudEvent, or a bare CDEvent
 * document (which gets the CDEvents-to-CloudEvents binding: id, source, type and time from its context).
 */
@ApplicationScoped
public class CloudEventReader {

    private final ObjectMapper mapper;

    public CloudEventReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public CloudEvent read(ConsumerRecord<String, String> record) {
        return read(record.value(), record.headers());
    }

    public CloudEvent read(String value, Headers headers) {
        if (value == null || value.isBlank()) {
            throw new MalformedEventException("empty record value");
        }
        JsonNode json;
        try {
            json = mapper.readTree(value);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("value is not JSON: " + e.getOriginalMessage(), e);
        }
        if (!json.isObject()) {
            throw new MalformedEventException("value is not a JSON object");
        }
        if (headers != null && headers.lastHeader("ce_specversion") != null) {
            return fromBinary(json, headers);
        }
        if (json.has("specversion")) {
            return fromStructured(json);
        }
        if (json.has("context") && json.has("subject")) {
            return fromBareCdEvent(json);
        }
        throw new MalformedEventException(
                "neither a CloudEvent (no 'specversion' field or ce_specversion header) nor a CDEvent (no 'context' and 'subject')");
    }

    private CloudEvent fromBinary(JsonNode data, Headers headers) {
        requireSpecVersion(header(headers, "ce_specversion"), "header 'ce_specversion'");
        String chainId = header(headers, "ce_chainid");
        return new CloudEvent(
                requiredHeader(headers, "ce_id"),
                requiredHeader(headers, "ce_source"),
                requiredHeader(headers, "ce_type"),
                header(headers, "ce_subject"),
                time(header(headers, "ce_time"), "header 'ce_time'"),
                chainId != null ? chainId : new CdEvent(data).chainId(),
                data);
    }

    private CloudEvent fromStructured(JsonNode json) {
        requireSpecVersion(CdEvent.textOrNull(json.get("specversion")), "field 'specversion'");
        JsonNode data = json.get("data");
        if (data == null || !data.isObject()) {
            throw new MalformedEventException("missing or non-object field 'data'");
        }
        String chainId = CdEvent.textOrNull(json.get("chainid"));
        return new CloudEvent(
                CdEvent.requiredText(json, "/id"),
                CdEvent.requiredText(json, "/source"),
                CdEvent.requiredText(json, "/type"),
                CdEvent.textOrNull(json.get("subject")),
                time(CdEvent.textOrNull(json.get("time")), "field 'time'"),
                chainId != null ? chainId : new CdEvent(data).chainId(),
                data);
    }

    private CloudEvent fromBareCdEvent(JsonNode json) {
        CdEvent cdEvent = new CdEvent(json);
        return new CloudEvent(
                CdEvent.requiredText(json, "/context/id"),
                CdEvent.requiredText(json, "/context/source"),
                CdEvent.requiredText(json, "/context/type"),
                CdEvent.textOrNull(cdEvent.subject().get("id")),
                time(CdEvent.textOrNull(cdEvent.context().get("timestamp")), "field 'context.timestamp'"),
                cdEvent.chainId(),
                json);
    }

    private static void requireSpecVersion(String specVersion, String where) {
        if (!CloudEvent.SPEC_VERSION.equals(specVersion)) {
            throw new MalformedEventException(where + " must be '1.0' but was '" + specVersion + "'");
        }
    }

    private static OffsetDateTime time(String text, String where) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException(where + " is not an RFC 3339 timestamp: '" + text + "'", e);
        }
    }

    private static String requiredHeader(Headers headers, String name) {
        String value = header(headers, name);
        if (value == null || value.isBlank()) {
            throw new MalformedEventException("missing header '" + name + "'");
        }
        return value;
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
