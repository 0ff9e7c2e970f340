package dev.lifeguard.deploy.plumbing;

import dev.lifeguard.support.outbox.PlumbingRetention;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared plumbing tables are purged by age, in a real service database. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class PlumbingRetentionTest {

    @Inject
    PlumbingRetention retention;

    @Inject
    EntityManager entityManager;

    @Test
    void oldSentOutboxRowsAndOldProcessedIdsGoUnsentAndRecentOnesStay() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String oldSent = outboxRow(now.minusDays(8), now.minusDays(8));
        String oldUnsent = outboxRow(now.minusDays(8), null);
        String recentSent = outboxRow(now.minusDays(1), now.minusDays(1));
        String oldProcessed = processed(now.minusDays(15));
        String recentProcessed = processed(now.minusDays(13));

        retention.purge(now);

        assertThat(outboxExists(oldSent)).isFalse();
        assertThat(outboxExists(oldUnsent)).as("an unsent event is never dropped").isTrue();
        assertThat(outboxExists(recentSent)).isTrue();
        assertThat(processedExists(oldProcessed)).isFalse();
        assertThat(processedExists(recentProcessed)).isTrue();
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                "DELETE FROM outbox_event WHERE event_id = :id").setParameter("id", oldUnsent).executeUpdate());
    }

    private String outboxRow(OffsetDateTime createdAt, OffsetDateTime sentAt) {
        String eventId = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                        "INSERT INTO outbox_event (event_id, topic, record_key, event_type, payload, created_at, sent_at,"
                                + " status, next_attempt_at) VALUES (:id, 'retention.test', 'k', 't', '{}', :created, :sent,"
                                // an unsent row is not due for a day: the relay leaves it alone during the test
                                + " :status, now() + interval '1 day')")
                .setParameter("id", eventId)
                .setParameter("created", createdAt)
                .setParameter("sent", sentAt)
                .setParameter("status", sentAt == null ? "PENDING" : "SENT")
                .executeUpdate());
        return eventId;
    }

    private String processed(OffsetDateTime processedAt) {
        String eventId = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                        "INSERT INTO processed_event (consumer, event_id, processed_at) VALUES ('retention-test', :id, :at)")
                .setParameter("id", eventId)
                .setParameter("at", processedAt)
                .executeUpdate());
        return eventId;
    }

    private boolean outboxExists(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "SELECT count(*) FROM outbox_event WHERE event_id = :id").setParameter("id", eventId).getSingleResult()).intValue() == 1);
    }

    private boolean processedExists(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "SELECT count(*) FROM processed_event WHERE event_id = :id").setParameter("id", eventId).getSingleResult()).intValue() == 1);
    }
}
