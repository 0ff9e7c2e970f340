package dev.lifeguard.support.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** Read access to a CDEvents 0.5 document ({@code context}, {@code subject}, {@code customData}). */
public record CdEvent(JsonNode document) {

    public CdEvent {
        document = document == null ? MissingNode.getInstance() : document;
    }

    public JsonNode context() {
        return document.path("context");
    }

    public JsonNode subject() {
        return document.path("subject");
    }

    public JsonNode content() {
        return subject().path("content");
    }

    public JsonNode customData() {
        return document.path("customData");
    }

    public String chainId() {
        return textOrNull(context().path("chainId"));
    }

    /** Text of a field that must be present; the path is named in the error so the sender can fix it. */
    public static String requiredText(JsonNode node, String path) {
        JsonNode value = node.at(path);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new MalformedEventException("missing or empty field '" + path + "'");
        }
        return value.asText();
    }

    public static String textOrNull(JsonNode node) {
        return node == null || !node.isTextual() || node.asText().isBlank() ? null : node.asText();
    }
}
