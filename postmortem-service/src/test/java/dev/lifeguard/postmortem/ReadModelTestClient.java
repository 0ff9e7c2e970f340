package dev.lifeguard.postmortem;

import dev.lifeguard.postmortem.repository.TimelineEntryRepository;
import dev.lifeguard.testsupport.KafkaTestClient;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.Map;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;

/** Drives postmortem-service from outside: publishes chain events where their producers do, reads the results. */
public final class ReadModelTestClient {

    public static final Duration WAIT = Duration.ofSeconds(30);

    private static final Map<String, String> TOPIC_KEY_BY_TYPE = Map.ofEntries(
            Map.entry(ChainScenario.UPGRADED, "deployments"),
            Map.entry(ChainScenario.ROLLEDBACK, "deployments"),
            Map.entry(ChainScenario.ROLLBACK_FAILED, "deployments"),
            Map.entry(ChainScenario.ROLLBACK_SKIPPED, "deployments"),
            Map.entry(ChainScenario.ROLLBACK_ACCEPTED, "deployments"),
            Map.entry(ChainScenario.ANOMALY, "anomalies"),
            Map.entry(ChainScenario.ROLLBACK_REQUESTED, "rollbacks"),
            Map.entry(ChainScenario.DECIDED, "rollbacks"),
            Map.entry(ChainScenario.APPROVAL_REQUESTED, "rollbacks"),
            Map.entry(ChainScenario.ESCALATED, "rollbacks"),
            Map.entry(ChainScenario.GUARD_TRIPPED, "rollbacks"),
            Map.entry(ChainScenario.ANALYSIS, "analyses"),
            Map.entry(ChainScenario.NOTIFICATION, "notifications"));

    private ReadModelTestClient() {
    }

    /** The topic as configured under {@code lifeguard.topics.<name>}. */
    public static String topic(String name) {
        return ConfigProvider.getConfig().getValue("lifeguard.topics." + name, String.class);
    }

    /** Publishes the chain's event of this type on the topic its producer writes to; returns the event id. */
    public static String publish(ChainScenario chain, String type) {
        KafkaTestClient.forTestBroker().send(topic(TOPIC_KEY_BY_TYPE.get(type)), chain.key(), chain.event(type));
        return chain.eventId(type);
    }

    /** Publishes an event of the chain (a variant of a golden example) on the named topic; returns its id. */
    public static String publish(ChainScenario chain, String topicName, String event) {
        KafkaTestClient.forTestBroker().send(topic(topicName), chain.key(), event);
        return ChainScenario.json(event).path("id").asText();
    }

    public static void awaitTimelineEntry(String eventId) {
        TimelineEntryRepository entries = Arc.container().instance(TimelineEntryRepository.class).get();
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> entries.findByEventId(eventId).isPresent()));
    }

    /** Waits until the chain's service has one incident in this status; returns its id. */
    public static String awaitIncident(ChainScenario chain, String status) {
        await().atMost(WAIT).untilAsserted(() -> given().queryParam("service", chain.service())
                .get("/api/v1/incidents").then()
                .statusCode(200)
                .body("status", contains(status)));
        return given().queryParam("service", chain.service()).get("/api/v1/incidents").then().extract().path("[0].id");
    }
}
