package dev.lifeguard.postmortem.messaging;

import dev.lifeguard.postmortem.AuditEvents;
import dev.lifeguard.postmortem.AuditEvents.Entry;
import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.ServiceHealth;
import dev.lifeguard.testsupport.TopicReset;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure-mode checklist for {@link AuditConsumer} (lifeguard.audit into the audit read model): an entry delivered
 * twice, entries out of order, after a topic reset, while the database is down, handled by two instances at once, and
 * across a broker restart; and malformed entries dead-lettered with their reason. Entries are counted exactly.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class AuditFailureModesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-12-02T08:00:00Z");

    @ConfigProperty(name = "lifeguard.topics.audit")
    String auditTopic;
    @Inject
    AuditConsumer consumer;
    @Inject
    EntityManager entityManager;

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @Test
    void anEntryDeliveredTwiceIsStoredOnce() {
        Entry entry = entry(actor(), T0);
        send(entry);
        send(entry);
        Entry after = entry(entry.actor(), T0.plusSeconds(1));
        send(after); // same key, same partition: once it is stored, both copies have been handled

        awaitStored(after);
        assertThat(rows(entry)).isEqualTo(1);
        assertThat(listed(entry.actor())).containsExactly(after.id(), entry.id());
    }

    @Test
    void entriesArrivingOutOfOrderAreListedByTheirOwnTime() {
        String actor = actor();
        Entry first = entry(actor, T0);
        Entry second = entry(actor, T0.plusMinutes(1));
        Entry third = entry(actor, T0.plusMinutes(2));
        send(third);
        send(first);
        send(second);

        await().atMost(WAIT).until(() -> listed(actor).size() == 3);
        assertThat(listed(actor)).containsExactly(third.id(), second.id(), first.id());
    }

    @Test
    void afterTheTopicIsRecreatedResentEntriesAreNotStoredTwiceAndNewOnesAre() {
        Entry before = entry(actor(), T0);
        send(before);
        awaitStored(before);

        TopicReset.recreate("lifeguard-postmortem-service", auditTopic);

        send(before);
        Entry after = entry(before.actor(), T0.plusSeconds(5));
        send(after);
        awaitStored(after);
        assertThat(rows(before)).isEqualTo(1);
        assertThat(listed(before.actor())).containsExactly(after.id(), before.id());
    }

    @Test
    void entriesArrivingWhileTheDatabaseIsDownWaitAreNotDeadLetteredAndAreStoredOnce() {
        String actor = actor();
        Entry first = entry(actor, T0);
        Entry second = entry(actor, T0.plusSeconds(1));
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            send(first);
            send(second);
            String stuck = await().atMost(WAIT).until(() -> ServiceHealth.stuckChannel(Channels.AUDIT),
                    reason -> reason != null);
            assertThat(stuck).startsWith("retrying " + auditTopic + "-");
            outage.close();
            await().atMost(WAIT).ignoreExceptions().until(() -> listed(actor).size() == 2);
        }
        assertThat(rows(first)).isEqualTo(1);
        assertThat(rows(second)).isEqualTo(1);
        assertThat(kafka.readAll(auditTopic + ".dlq")).noneMatch(letter -> letter.value().contains(actor));
        await().atMost(WAIT).until(() -> ServiceHealth.stuckChannel(Channels.AUDIT) == null);
    }

    @Test
    void theSameEntryHandledByTwoInstancesAtOnceIsStoredOnce() throws Exception {
        Entry entry = entry(actor(), T0);
        ConsumerRecord<String, String> record = new ConsumerRecord<>(auditTopic, 0, 900_000_000L + new java.util.Random()
                .nextInt(1_000_000), entry.actor(), AuditEvents.event(entry));

        Concurrently.atOnce(WAIT, () -> consumer.consume(record), () -> consumer.consume(record));

        assertThat(rows(entry)).isEqualTo(1);
    }

    @Test
    void afterABrokerRestartNewEntriesAreStored() {
        Entry during = entry(actor(), T0);
        boolean stopped = false;
        try {
            KafkaBrokerResource.broker().stopBroker();
            stopped = true;
            // a record fetched just before the broker went away is handled while it is away
            consumer.consume(new ConsumerRecord<>(auditTopic, 0, 0L, during.actor(), AuditEvents.event(during)));
            assertThat(rows(during)).isEqualTo(1);
            KafkaBrokerResource.broker().startBroker();
            stopped = false;
        } finally {
            if (stopped) {
                KafkaBrokerResource.broker().startBroker();
            }
        }
        Entry after = entry(during.actor(), T0.plusSeconds(1));
        send(after);
        awaitStored(after);
        assertThat(listed(during.actor())).containsExactly(after.id(), during.id());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "actor; ; '/subject/content/actor'",
            "at; '\"yesterday\"'; '/subject/content/at'",
            "actorKind; '\"robot\"'; 'actorKind'",
            "roles; '[\"root\"]'; 'roles'",
            "status; '\"ok\"'; 'status'"})
    void aMalformedEntryIsDeadLetteredWithTheReasonAndTheNextIsStored(String field, String value, String reason) {
        Entry bad = entry(actor(), T0);
        String event = AuditEvents.withContent(AuditEvents.event(bad), field, value);
        kafka.send(auditTopic, bad.actor(), event);
        Entry next = entry(bad.actor(), T0.plusSeconds(1));
        send(next);

        ConsumerRecord<String, String> letter = kafka.awaitRecord(auditTopic + ".dlq",
                record -> record.value().contains(bad.id()));
        assertThat(KafkaTestClient.header(letter, "dead-letter-reason")).contains(reason);
        awaitStored(next);
        assertThat(rows(bad)).isZero();
    }

    @Test
    void aRecordThatIsNotJsonIsDeadLettered() {
        String garbage = "not json " + UUID.randomUUID();
        kafka.send(auditTopic, "someone", garbage);
        ConsumerRecord<String, String> letter = kafka.awaitRecord(auditTopic + ".dlq",
                record -> garbage.equals(record.value()));
        assertThat(KafkaTestClient.header(letter, "dead-letter-reason")).contains("not JSON");
    }

    private static String actor() {
        return "actor-" + UUID.randomUUID();
    }

    private static Entry entry(String actor, OffsetDateTime at) {
        return Entry.of(actor, "POST /api/v1/rollbacks/{id}/approve", "/api/v1/rollbacks/rb-1/approve", "succeeded",
                at);
    }

    private void send(Entry entry) {
        kafka.send(auditTopic, entry.actor(), AuditEvents.event(entry));
    }

    private void awaitStored(Entry entry) {
        await().atMost(WAIT).until(() -> rows(entry) == 1);
    }

    private long rows(Entry entry) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "SELECT count(*) FROM audit_entry WHERE event_id = :id").setParameter("id", entry.id())
                .getSingleResult()).longValue());
    }

    private static List<String> listed(String actor) {
        return given().queryParam("actor", actor).get("/api/v1/audit").then().statusCode(200).extract().jsonPath()
                .getList("entries.id");
    }
}
