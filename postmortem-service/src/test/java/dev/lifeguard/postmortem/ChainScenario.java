package dev.lifeguard.postmortem;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.testsupport.EventContract;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The golden example chain of contracts/events/examples (checkout 2.0.0 deployed, anomaly, analysis failed,
 * rollback requested, rolled back to 1.0.0, team notified), re-keyed to a fresh service, chain id and event ids so
 * tests sharing one broker and database stay independent. Links between the events stay consistent.
 */
public final class ChainScenario {

    public static final String UPGRADED = "dev.cdevents.service.upgraded.0.3.0";
    public static final String ANOMALY = "dev.cdevents.incident.detected.0.3.0";
    public static final String ROLLBACK_REQUESTED = "dev.cdeventsx.lifeguard-rollback.requested.0.1.0";
    public static final String ROLLEDBACK = "dev.cdevents.service.rolledback.0.3.0";
    public static final String ANALYSIS = "dev.cdeventsx.lifeguard-analysis.finished.0.1.0";
    public static final String NOTIFICATION = "dev.cdeventsx.lifeguard-notification.published.0.1.0";
    public static final String ROLLBACK_FAILED = "dev.cdeventsx.lifeguard-rollback.failed.0.1.0";
    public static final String ROLLBACK_SKIPPED = "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0";
    public static final String ROLLBACK_ACCEPTED = "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0";
    /** rollback-service's decision events; the decided examples: AWAITING_APPROVAL (.json), .approved, .held. */
    public static final String DECIDED = "dev.cdeventsx.lifeguard-rollback.decided.0.1.0";
    public static final String APPROVAL_REQUESTED = "dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0";
    public static final String ESCALATED = "dev.cdeventsx.lifeguard-rollback.escalated.0.1.0";
    public static final String GUARD_TRIPPED = "dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0";
    /** deploy-service's word that a target was retired; no schema in contracts yet, and no part of a timeline. */
    public static final String SERVICE_REMOVED = "dev.cdevents.service.removed.0.3.0";

    private static final String EXAMPLE_SERVICE = "checkout";
    private static final String EXAMPLE_CHAIN_ID = "0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c";
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> freshIds = new HashMap<>();

    public String service() {
        return service;
    }

    public String environment() {
        return "production";
    }

    /** The Kafka key every event of the chain carries. */
    public String key() {
        return service + "/production";
    }

    public String chainId() {
        return freshId(EXAMPLE_CHAIN_ID);
    }

    /** The golden example of a type, re-keyed; asking twice gives the same event (a redelivery). */
    public String event(String type) {
        String example = EventContract.read(EventContract.examples(type).get(0)).replace(EXAMPLE_SERVICE, service);
        return UUID_TEXT.matcher(example).replaceAll(match -> freshId(match.group()));
    }

    /**
     * The golden example {@code examples/<type><variant>.json} (variant "" for the plain one, ".approved", ...),
     * re-keyed like {@link #event(String)}.
     */
    public String event(String type, String variant) {
        return event(type, variant, UnaryOperator.identity());
    }

    /**
     * A golden example changed by {@code edit} before it is re-keyed: an edit that gives it an event id of its own
     * (another UUID) makes it a different event of the same chain.
     */
    public String event(String type, String variant, UnaryOperator<String> edit) {
        String example = edit.apply(EventContract.read(EventContract.contractsDirectory().resolve("examples")
                .resolve(type + variant + ".json"))).replace(EXAMPLE_SERVICE, service);
        return UUID_TEXT.matcher(example).replaceAll(match -> freshId(match.group()));
    }

    /**
     * The chain's rollback as CI reports one someone made with their CD tool (the rolledback example with
     * {@code reportedBy: ci}, no executor); same event id as {@link #event(String) event(ROLLEDBACK)}.
     */
    public String rolledBackByCi() {
        return event(ROLLEDBACK).replace("\"reportedBy\": \"executor\"", "\"reportedBy\": \"ci\"")
                .replace("\"executor\": \"record\"", "\"executor\": null")
                .replaceFirst("\"reason\": \"[^\"]*\"", "\"reason\": \"rolled back outside Lifeguard (reported by CI)\"");
    }

    /** The chain's rollback as a person reports it done by hand (executor manual). */
    public String rolledBackByAPerson() {
        return event(ROLLEDBACK).replace("\"reportedBy\": \"executor\"", "\"reportedBy\": \"person\"")
                .replace("\"executor\": \"record\"", "\"executor\": \"manual\"");
    }

    /** {@code service.removed} of the chain's target (CDEvents 0.5.1 shape), with a fresh id. */
    public String serviceRemoved(String eventId) {
        return """
                {"specversion": "1.0", "id": "%2$s", "source": "/lifeguard/deploy-service",
                 "type": "%4$s", "subject": "%1$s/production", "time": "2026-11-26T11:00:00Z",
                 "chainid": "%3$s", "datacontenttype": "application/json",
                 "data": {"context": {"specversion": "0.5.1", "id": "%2$s", "chainId": "%3$s",
                                      "source": "/lifeguard/deploy-service", "type": "%4$s",
                                      "timestamp": "2026-11-26T11:00:00Z"},
                          "subject": {"id": "%1$s", "source": "/lifeguard/deploy-service",
                                      "content": {"environment": {"id": "production"}}}}}
                """.formatted(service, eventId, chainId(), SERVICE_REMOVED);
    }

    public String eventId(String type) {
        return EventContract.parse(event(type)).path("id").asText();
    }

    public static JsonNode json(String event) {
        return EventContract.parse(event);
    }

    private String freshId(String exampleId) {
        return freshIds.computeIfAbsent(exampleId, ignored -> UUID.randomUUID().toString());
    }
}
