package dev.lifeguard.postmortem.messaging;

import dev.lifeguard.postmortem.ChainScenario;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.lifeguard.postmortem.ReadModelTestClient.WAIT;
import static dev.lifeguard.postmortem.ReadModelTestClient.awaitIncident;
import static dev.lifeguard.postmortem.ReadModelTestClient.awaitTimelineEntry;
import static dev.lifeguard.postmortem.ReadModelTestClient.publish;
import static dev.lifeguard.postmortem.ReadModelTestClient.topic;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * deploy-service's rollback outcomes in over Kafka, into the read model on PostgreSQL: a failed rollback keeps the
 * incident open and the post-mortem says the failing version still runs; skipped and accepted rollbacks are on the
 * timeline; a rollback someone made with their CD tool (reported by CI) or by hand resolves and says so; a retired
 * target (service.removed) is passed over.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RollbackOutcomeLifecycleTest {

    private static final String INCIDENT_RESOLVED = "dev.cdevents.incident.resolved.0.3.0";

    @Inject
    EntityManager entityManager;

    @Test
    void failedRollbackKeepsTheIncidentOpenAndThePostmortemSaysTheFailingVersionStillRuns() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.UPGRADED);
        publish(chain, ChainScenario.ANOMALY);
        publish(chain, ChainScenario.ROLLBACK_REQUESTED);
        String failedId = publish(chain, ChainScenario.ROLLBACK_FAILED);
        awaitTimelineEntry(failedId);

        String incidentId = awaitIncident(chain, "OPEN");
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/incidents/{id}", incidentId).then()
                .statusCode(200)
                .body("status", equalTo("OPEN"))
                .body("restoredVersion", nullValue())
                .body("rollbackOutcome", equalTo("failed"))
                .body("rollbackDetail", equalTo("webhook https://deploy.example.com/rollback answered 503 Service"
                        + " Unavailable (3 attempts over 1m10s)"))
                .body("timeline.type", contains("deployment", "anomaly", "rollback-requested", "rollback-failed"))
                .body("timeline[3].eventId", equalTo(failedId))
                .body("timeline[3].summary", equalTo("Rollback of " + chain.service() + " in production from 2.0.0"
                        + " to 1.0.0 FAILED after 3 attempts (executor webhook): webhook"
                        + " https://deploy.example.com/rollback answered 503 Service Unavailable (3 attempts over"
                        + " 1m10s); 2.0.0 still runs")));

        assertThat(postmortem(incidentId))
                .contains("status OPEN")
                .contains("The rollback to 1.0.0 FAILED at 2026-11-26 10:01:22 UTC after 3 attempts")
                .contains(chain.service() + " 2.0.0 still runs in production: the incident stays open")
                .contains("Not resolved: the rollback failed and 2.0.0 still runs in production.")
                .contains("- Attempts: 3\n- Executor: webhook\n")
                .contains("| rollback-failed | Rollback of " + chain.service())
                .doesNotContain("Lifeguard rolled back");
        assertThat(resolvedEvents(chain)).isZero();
    }

    @Test
    void failedRollbackArrivingBeforeItsRequestAndTheAnomalyIsStillOnTheOpenIncident() {
        ChainScenario chain = new ChainScenario();
        awaitTimelineEntry(publish(chain, ChainScenario.ROLLBACK_FAILED));
        awaitTimelineEntry(publish(chain, ChainScenario.ROLLBACK_REQUESTED));
        publish(chain, ChainScenario.ANOMALY);

        String incidentId = awaitIncident(chain, "OPEN");
        given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("rollbackOutcome", equalTo("failed"))
                .body("timeline.type", contains("anomaly", "rollback-requested", "rollback-failed"));
        assertThat(postmortem(incidentId)).contains("Not resolved: the rollback failed and 2.0.0 still runs");
        assertThat(resolvedEvents(chain)).isZero();
    }

    @Test
    void rollbackReportedByCiAfterAFailedOneResolvesAndThePostmortemSaysBoth() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.UPGRADED);
        publish(chain, ChainScenario.ANOMALY);
        awaitTimelineEntry(publish(chain, ChainScenario.ROLLBACK_FAILED));
        assertThat(awaitIncident(chain, "OPEN")).isNotNull();

        publish(chain, "deployments", chain.rolledBackByCi());

        String incidentId = awaitIncident(chain, "RESOLVED");
        given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("rolledBackBy", equalTo("ci"))
                .body("restoredVersion", equalTo("1.0.0"))
                .body("timeline.type", contains("deployment", "anomaly", "rollback-failed", "rollback"))
                .body("timeline[3].summary", equalTo(chain.service() + " rolled back from 2.0.0 to 1.0.0 in production"
                        + " outside Lifeguard, with a CD tool (reported by CI)"));
        assertThat(postmortem(incidentId))
                .contains(chain.service() + " was rolled back from 2.0.0 to 1.0.0 outside Lifeguard, with a CD tool"
                        + " (reported by CI), at 2026-11-26 10:01:23 UTC")
                .contains("A rollback attempt failed at 2026-11-26 10:01:22 UTC")
                .contains("- Reported by: CI: someone rolled back with their CD tool, outside Lifeguard");
        await().atMost(WAIT).until(() -> resolvedEvents(chain) == 1);
    }

    @Test
    void manualRollbackIsOnTheTimelineUntilAPersonReportsItDone() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.ANOMALY);
        awaitTimelineEntry(publish(chain, ChainScenario.ROLLBACK_ACCEPTED));
        String incidentId = awaitIncident(chain, "OPEN");
        given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("rollbackOutcome", equalTo("accepted"))
                .body("timeline[1].type", equalTo("rollback-accepted"))
                .body("timeline[1].summary", equalTo("Rollback of " + chain.service() + " in production from 2.0.0 to"
                        + " 1.0.0 accepted (executor manual), waiting for completion: manual rollback: roll "
                        + chain.service() + " back to 1.0.0 in production, then report it; complete with POST"
                        + " /api/v1/rollbacks/rollback-0004/complete"));
        assertThat(postmortem(incidentId)).contains("Not resolved yet: the rollback was accepted and waits for completion.",
                "- Complete with: `POST /api/v1/rollbacks/rollback-0004/complete`");

        publish(chain, "deployments", chain.rolledBackByAPerson());

        awaitIncident(chain, "RESOLVED");
        given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("rolledBackBy", equalTo("person"))
                .body("timeline.type", contains("anomaly", "rollback-accepted", "rollback"));
        assertThat(postmortem(incidentId))
                .contains(chain.service() + " was rolled back by hand from 2.0.0 to 1.0.0 (reported by a person)")
                .contains("- Other rollback outcome: accepted at 2026-11-26 10:01:22 UTC: manual rollback");
    }

    @Test
    void skippedRollbackIsOnTheTimelineAndLeavesTheIncidentOpen() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.ANOMALY);
        awaitTimelineEntry(publish(chain, ChainScenario.ROLLBACK_SKIPPED));

        String incidentId = awaitIncident(chain, "OPEN");
        given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("rollbackOutcome", equalTo("skipped"))
                .body("timeline.summary[1]", equalTo("Rollback of " + chain.service() + " in production from 2.0.0 to"
                        + " 1.0.0 not carried out: deployment d-0002 is no longer current: 2.1.0 replaced it"));
        assertThat(postmortem(incidentId)).contains("The rollback was not carried out (2026-11-26 10:01:22 UTC):"
                + " deployment d-0002 is no longer current: 2.1.0 replaced it.");
        assertThat(resolvedEvents(chain)).isZero();
    }

    @Test
    void retiredTargetIsNeitherOnATimelineNorDeadLettered() {
        ChainScenario chain = new ChainScenario();
        String removedId = UUID.randomUUID().toString();
        KafkaTestClient.forTestBroker().send(topic("deployments"), chain.key(), chain.serviceRemoved(removedId));
        // Same key, so same partition: once the next event is in, service.removed was handled before it.
        awaitTimelineEntry(publish(chain, ChainScenario.ROLLBACK_FAILED));

        assertThat(count("SELECT count(*) FROM timeline_entry WHERE event_id = :id", removedId)).isZero();
        assertThat(KafkaTestClient.forTestBroker().readAll(topic("deployments") + ".dlq"))
                .noneMatch(letter -> letter.value().contains(removedId));
    }

    private static String postmortem(String incidentId) {
        return given().get("/api/v1/incidents/{id}/postmortem", incidentId).then().statusCode(200).extract().asString();
    }

    private long resolvedEvents(ChainScenario chain) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "SELECT count(*) FROM outbox_event WHERE record_key = :key AND event_type = :type")
                .setParameter("key", chain.key())
                .setParameter("type", INCIDENT_RESOLVED)
                .getSingleResult()).longValue());
    }

    private long count(String sql, String id) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(sql)
                .setParameter("id", id).getSingleResult()).longValue());
    }
}
