package dev.lifeguard.support.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds a CDEvents 0.5.1 document wrapped in a CloudEvent, following the CDEvents CloudEvents binding
 * (same id, source, type and time on both levels). The chain id is mandatory: it is how every event
 * caused by one CI deployment is tied together.
 */
public final class CdEventBuilder {

    private static final String CDEVENTS_SPEC_VERSION = "0.5.1";

    private final String type;
    private String id = UUID.randomUUID().toString();
    private String source;
    private String chainId;
    private String triggeredBy;
    private String subjectId;
    private String cloudEventSubject;
    private OffsetDateTime time = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    private JsonNode content;
    private JsonNode customData;

    private CdEventBuilder(String type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    public static CdEventBuilder event(String type) {
        return new CdEventBuilder(type);
    }

    public CdEventBuilder id(String id) {
        this.id = id;
        return this;
    }

    public CdEventBuilder source(String source) {
        this.source = source;
        return this;
    }

    public CdEventBuilder chainId(String chainId) {
        this.chainId = chainId;
        return this;
    }

    /** The id of the event that caused this one, written as a CDEvents TRIGGER link. */
    public CdEventBuilder triggeredBy(String eventId) {
        this.triggeredBy = eventId;
        return this;
    }

    public CdEventBuilder subjectId(String subjectId) {
        this.subjectId = subjectId;
        return this;
    }

    /** The CloudEvents {@code subject}; Lifeguard uses {@code <service>/<environment>}. */
    public CdEventBuilder cloudEventSubject(String subject) {
        this.cloudEventSubject = subject;
        return this;
    }

    public CdEventBuilder time(OffsetDateTime time) {
        this.time = time;
        return this;
    }

    public CdEventBuilder content(JsonNode content) {
        this.content = content;
        return this;
    }

    public CdEventBuilder customData(JsonNode customData) {
        this.customData = customData;
        return this;
    }

    public CloudEvent build(ObjectMapper mapper) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(subjectId, "subjectId");
        ObjectNode document = mapper.createObjectNode();
        ObjectNode context = document.putObject("context");
        context.put("specversion", CDEVENTS_SPEC_VERSION);
        context.put("id", id);
        context.put("chainId", chainId);
        context.put("source", source);
        context.put("type", type);
        context.put("timestamp", time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        if (triggeredBy != null) {
            ObjectNode link = context.putArray("links").addObject();
            link.put("linkType", "RELATION");
            link.put("linkKind", "TRIGGER");
            link.putObject("target").put("contextId", triggeredBy);
        }
        ObjectNode subject = document.putObject("subject");
        subject.put("id", subjectId);
        subject.put("source", source);
        subject.set("content", content == null ? mapper.createObjectNode() : content);
        if (customData != null) {
            document.set("customData", customData);
            document.put("customDataContentType", "application/json");
        }
        return new CloudEvent(id, source, type, cloudEventSubject, time, chainId, document);
    }
}
