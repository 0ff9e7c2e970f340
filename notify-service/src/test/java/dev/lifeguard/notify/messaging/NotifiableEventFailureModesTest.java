package dev.lifeguard.notify.messaging;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.EventContract;
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
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.notify.NotifyApi.subscribe;
import static dev.lifeguard.notify.NotifyApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure-mode checklist for {@link NotifiableEventConsumer} on each of its channels (deployments, anomalies,
 * rollbacks, analyses): an event arriving twice, out of order, after a topic reset, while the database is down, handled by two
 * instances at once, and across a broker restart. "Exactly once" is asserted as exact counts of deliveries, webhook
 * POSTs (WireMock) and queued notification.published events.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class NotifiableEventFailureModesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NOTIFICATION_PUBLISHED = "dev.cdeventsx.lifeguard-notification.published.0.1.0";

    private static WireMockServer channels;

    @Inject
    Config config;
    @Inject
    EntityManager entityManager;
    @Inject
    NotifiableEventConsumer consumer;

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    /** A consumed channel, its topic, an event type it carries and the consumer method that reads it. */
    record ConsumedStream(String channel, String topic, String type, Consumer<ConsumerRecord<String, String>> handler) {
    }

    @BeforeAll
    static void startChannels() {
        channels = new WireMockServer(options().dynamicPort());
        channels.start();
        channels.stubFor(post(urlPathMatching("/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterAll
    static void stopChannels() {
        channels.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {Channels.DEPLOYMENTS, Channels.ANOMALIES, Channels.ROLLBACKS, Channels.ANALYSES})
    void eventRedeliveredAfterItWasDeliveredIsNotDeliveredOrPostedAgain(String channel) {
        ConsumedStream stream = stream(channel);
        Subscriber subscriber = subscriber(1);
        String eventId = UUID.randomUUID().toString();
        String event = GoldenEvents.about(stream.type(), subscriber.service(), eventId);

        kafka.send(stream.topic(), subscriber.key(), event);
        awaitDelivered(subscriber, eventId);
        kafka.send(stream.topic(), subscriber.key(), event);
        // Same key, so same partition: once the marker is delivered, the redelivery before it has been handled.
        String markerId = UUID.randomUUID().toString();
        kafka.send(stream.topic(), subscriber.key(), GoldenEvents.about(stream.type(), subscriber.service(), markerId));
        awaitDelivered(subscriber, markerId);

        assertThat(deliveries(eventId, subscriber.ids().get(0))).isEqualTo(1);
        assertThat(posts(subscriber, 0, eventId)).isEqualTo(1);
        assertThat(queuedNotifications(subscriber.teamTopic(0))).isEqualTo(2); // the event's and the marker's
    }

    @Test
    void chainEventsArrivingInReverseOrderAcrossAllChannelsAreEachDeliveredOnce() {
        Subscriber subscriber = subscriber(1);
        // The chain runs deployed -> anomaly -> verdict -> rollback requested -> rolled back; it arrives the other
        // way round.
        List<String> reversed = List.of(GoldenEvents.ROLLEDBACK, GoldenEvents.ROLLBACK_REQUESTED, GoldenEvents.ANALYSIS,
                GoldenEvents.ANOMALY, GoldenEvents.UPGRADED);
        Map<String, String> eventIds = new LinkedHashMap<>();
        for (String type : reversed) {
            String eventId = UUID.randomUUID().toString();
            eventIds.put(type, eventId);
            kafka.send(topicFor(type), subscriber.key(), GoldenEvents.about(type, subscriber.service(), eventId));
            // Wait for each one, so that the order of arrival is the order of sending across the three topics.
            awaitRecorded(subscriber, eventId);
        }
        eventIds.values().forEach(eventId -> awaitDelivered(subscriber, eventId));

        for (String eventId : eventIds.values()) {
            assertThat(deliveries(eventId, subscriber.ids().get(0))).as("deliveries of %s", eventId).isEqualTo(1);
            assertThat(posts(subscriber, 0, eventId)).as("POSTs of %s", eventId).isEqualTo(1);
        }
        assertThat(queuedNotifications(subscriber.teamTopic(0))).isEqualTo(reversed.size());
    }

    @Test
    void afterTheTopicsAreRecreatedResentEventsAreNotAppliedTwiceAndNewOnesAre() throws Exception {
        List<ConsumedStream> streams = allStreams();
        Subscriber subscriber = subscriber(1);
        Map<ConsumedStream, String> before = new LinkedHashMap<>();
        for (ConsumedStream stream : streams) {
            String eventId = UUID.randomUUID().toString();
            before.put(stream, eventId);
            kafka.send(stream.topic(), subscriber.key(), GoldenEvents.about(stream.type(), subscriber.service(), eventId));
        }
        before.values().forEach(eventId -> awaitDelivered(subscriber, eventId));

        TopicReset.recreate("lifeguard-notify-service",
                streams.stream().map(ConsumedStream::topic).toArray(String[]::new));

        // The same events again, now at the start of fresh topics (offsets begin at 0 again), then new ones.
        Map<ConsumedStream, String> after = new LinkedHashMap<>();
        for (ConsumedStream stream : streams) {
            kafka.send(stream.topic(), subscriber.key(),
                    GoldenEvents.about(stream.type(), subscriber.service(), before.get(stream)));
            String eventId = UUID.randomUUID().toString();
            after.put(stream, eventId);
            kafka.send(stream.topic(), subscriber.key(), GoldenEvents.about(stream.type(), subscriber.service(), eventId));
        }
        after.values().forEach(eventId -> awaitDelivered(subscriber, eventId));

        for (ConsumedStream stream : streams) {
            assertThat(deliveries(before.get(stream), subscriber.ids().get(0))).as("resent on %s", stream.channel())
                    .isEqualTo(1);
            assertThat(posts(subscriber, 0, before.get(stream))).as("resent on %s", stream.channel()).isEqualTo(1);
            assertThat(deliveries(after.get(stream), subscriber.ids().get(0))).as("new on %s", stream.channel())
                    .isEqualTo(1);
            assertThat(posts(subscriber, 0, after.get(stream))).as("new on %s", stream.channel()).isEqualTo(1);
        }
        assertThat(queuedNotifications(subscriber.teamTopic(0))).isEqualTo(2L * streams.size());
    }

    @Test
    void eventsSentWhileTheDatabaseIsDownWaitAreNotDeadLetteredAndAreDeliveredOnceInOrder() {
        List<ConsumedStream> streams = allStreams();
        Subscriber subscriber = subscriber(1);
        Map<ConsumedStream, List<String>> sent = new LinkedHashMap<>();
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            for (ConsumedStream stream : streams) {
                List<String> eventIds = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
                sent.put(stream, eventIds);
                for (String eventId : eventIds) {
                    kafka.send(stream.topic(), subscriber.key(), GoldenEvents.about(stream.type(), subscriber.service(),
                            eventId));
                }
            }

            Map<String, String> stuck = await().atMost(WAIT).until(ServiceHealth::stuckChannels,
                    channels -> channels.keySet().containsAll(List.of(Channels.DEPLOYMENTS, Channels.ANOMALIES,
                            Channels.ROLLBACKS, Channels.ANALYSES)));
            for (ConsumedStream stream : streams) {
                assertThat(stuck.get(stream.channel())).startsWith("retrying " + stream.topic() + "-");
            }
            outage.close();

            sent.values().stream().flatMap(List::stream).forEach(eventId -> awaitDelivered(subscriber, eventId));
        }

        String subscriptionId = subscriber.ids().get(0);
        for (ConsumedStream stream : streams) {
            List<String> eventIds = sent.get(stream);
            for (String eventId : eventIds) {
                assertThat(deliveries(eventId, subscriptionId)).as("deliveries of %s", eventId).isEqualTo(1);
                assertThat(posts(subscriber, 0, eventId)).as("POSTs of %s", eventId).isEqualTo(1);
            }
            // Retried in place: the record after the stuck one was not handled before it.
            assertThat(recordedOrder(subscriptionId, eventIds)).as("order on %s", stream.channel())
                    .containsExactlyElementsOf(eventIds);
            assertThat(kafka.readAll(stream.topic() + ".dlq"))
                    .noneMatch(letter -> eventIds.stream().anyMatch(letter.value()::contains));
        }
        await().atMost(WAIT).until(() -> ServiceHealth.stuckChannels().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {Channels.DEPLOYMENTS, Channels.ANOMALIES, Channels.ROLLBACKS, Channels.ANALYSES})
    void sameRecordHandledByTwoInstancesAtOnceIsDeliveredOncePerSubscription(String channel) throws Exception {
        ConsumedStream stream = stream(channel);
        Subscriber subscriber = subscriber(2);
        String eventId = UUID.randomUUID().toString();
        ConsumerRecord<String, String> record = new ConsumerRecord<>(stream.topic(), 0, 0L, subscriber.key(),
                GoldenEvents.about(stream.type(), subscriber.service(), eventId));

        // Instances share only the database: two threads handle the same record through the consumer at once.
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService instances = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> handled = new ArrayList<>();
            for (int instance = 0; instance < 2; instance++) {
                handled.add(instances.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    stream.handler().accept(record);
                    return null;
                }));
            }
            for (Future<?> done : handled) {
                done.get(60, TimeUnit.SECONDS);
            }
        } finally {
            instances.shutdownNow();
        }
        awaitDelivered(subscriber, eventId);

        for (int i = 0; i < 2; i++) {
            assertThat(deliveries(eventId, subscriber.ids().get(i))).as("deliveries to subscription %d", i).isEqualTo(1);
            assertThat(posts(subscriber, i, eventId)).as("POSTs to subscription %d", i).isEqualTo(1);
            assertThat(queuedNotifications(subscriber.teamTopic(i))).as("published for team %d", i).isEqualTo(1);
        }
    }

    @Test
    void afterABrokerRestartNewEventsAreDeliveredAndTheOutboxDrains() {
        Subscriber subscriber = subscriber(1);
        ConsumedStream anomalies = stream(Channels.ANOMALIES);
        ConsumedStream analyses = stream(Channels.ANALYSES);
        String duringId = UUID.randomUUID().toString();
        String verdictDuringId = UUID.randomUUID().toString();
        String afterId = UUID.randomUUID().toString();
        String verdictAfterId = UUID.randomUUID().toString();
        boolean stopped = false;
        try {
            KafkaBrokerResource.broker().stopBroker();
            stopped = true;
            // Records fetched just before the broker went away are handled while it is away: their notifications can
            // only wait in the outbox.
            anomalies.handler().accept(new ConsumerRecord<>(anomalies.topic(), 0, 0L, subscriber.key(),
                    GoldenEvents.about(anomalies.type(), subscriber.service(), duringId)));
            analyses.handler().accept(new ConsumerRecord<>(analyses.topic(), 0, 0L, subscriber.key(),
                    GoldenEvents.about(analyses.type(), subscriber.service(), verdictDuringId)));
            assertThat(unsentNotifications(subscriber.teamTopic(0))).isEqualTo(2);
            KafkaBrokerResource.broker().startBroker();
            stopped = false;
        } finally {
            if (stopped) {
                KafkaBrokerResource.broker().startBroker();
            }
        }

        ConsumedStream deployments = stream(Channels.DEPLOYMENTS);
        kafka.send(deployments.topic(), subscriber.key(), GoldenEvents.about(deployments.type(), subscriber.service(),
                afterId));
        kafka.send(analyses.topic(), subscriber.key(), GoldenEvents.about(analyses.type(), subscriber.service(),
                verdictAfterId));

        List<String> eventIds = List.of(duringId, verdictDuringId, afterId, verdictAfterId);
        eventIds.forEach(eventId -> awaitDelivered(subscriber, eventId));
        for (String eventId : eventIds) {
            assertThat(deliveries(eventId, subscriber.ids().get(0))).isEqualTo(1);
            assertThat(posts(subscriber, 0, eventId)).isEqualTo(1);
            for (String topic : List.of(subscriber.teamTopic(0), config.getValue("lifeguard.topics.notifications",
                    String.class))) {
                ConsumerRecord<String, String> published = kafka.awaitRecord(topic,
                        candidate -> candidate.value().contains(eventId));
                assertThat(published.value()).contains(NOTIFICATION_PUBLISHED);
            }
        }
        await().atMost(WAIT).until(() -> unsentNotifications(subscriber.teamTopic(0)) == 0);
    }

    // --- deploy-service's rollback outcomes (lifeguard.deployments) ---

    /** Each way deploy-service reports how a rollback went, as sent on the deployments topic. */
    static List<String> rollbackOutcomes() {
        return List.of("failed", "skipped", "accepted", "accepted-by-webhook", "rolled-back-by-ci");
    }

    @ParameterizedTest
    @MethodSource("rollbackOutcomes")
    void rollbackOutcomeRedeliveredAfterItWasDeliveredIsNotDeliveredOrPostedAgain(String outcome) {
        ConsumedStream deployments = stream(Channels.DEPLOYMENTS);
        Subscriber subscriber = subscriber(1);
        String eventId = UUID.randomUUID().toString();
        String event = rollbackOutcome(outcome, subscriber.service(), eventId);

        kafka.send(deployments.topic(), subscriber.key(), event);
        awaitDelivered(subscriber, eventId);
        kafka.send(deployments.topic(), subscriber.key(), event);
        // Same key, so same partition: once the marker is delivered, the redelivery before it has been handled.
        String markerId = UUID.randomUUID().toString();
        kafka.send(deployments.topic(), subscriber.key(), rollbackOutcome(outcome, subscriber.service(), markerId));
        awaitDelivered(subscriber, markerId);

        assertThat(deliveries(eventId, subscriber.ids().get(0))).isEqualTo(1);
        assertThat(posts(subscriber, 0, eventId)).isEqualTo(1);
        assertThat(queuedNotifications(subscriber.teamTopic(0))).isEqualTo(2); // the event's and the marker's
    }

    @ParameterizedTest
    @MethodSource("rollbackOutcomes")
    void sameRollbackOutcomeHandledByTwoInstancesAtOnceIsDeliveredOncePerSubscription(String outcome)
            throws Exception {
        ConsumedStream deployments = stream(Channels.DEPLOYMENTS);
        Subscriber subscriber = subscriber(2);
        String eventId = UUID.randomUUID().toString();
        ConsumerRecord<String, String> record = new ConsumerRecord<>(deployments.topic(), 0, 0L, subscriber.key(),
                rollbackOutcome(outcome, subscriber.service(), eventId));

        Concurrently.atOnce(WAIT, () -> deployments.handler().accept(record),
                () -> deployments.handler().accept(record));
        awaitDelivered(subscriber, eventId);

        for (int i = 0; i < 2; i++) {
            assertThat(deliveries(eventId, subscriber.ids().get(i))).as("deliveries to subscription %d", i).isEqualTo(1);
            assertThat(posts(subscriber, i, eventId)).as("POSTs to subscription %d", i).isEqualTo(1);
            assertThat(queuedNotifications(subscriber.teamTopic(i))).as("published for team %d", i).isEqualTo(1);
        }
        assertThat(count("SELECT count(*) FROM rollback_outcome WHERE service = ?1", subscriber.service()))
                .isEqualTo(1);
    }

    @Test
    void failedRollbackArrivingBeforeItsRequestAndTheAnomalyIsDeliveredOnceAndTheRequestIsWordedAsLate() {
        Subscriber subscriber = subscriber(1);
        // The chain runs deployed -> anomaly -> rollback requested -> rollback failed; it arrives the other way round.
        Map<String, String> eventIds = new LinkedHashMap<>();
        for (String type : List.of(GoldenEvents.ROLLBACK_FAILED, GoldenEvents.ROLLBACK_REQUESTED, GoldenEvents.ANOMALY,
                GoldenEvents.UPGRADED)) {
            String eventId = UUID.randomUUID().toString();
            eventIds.put(type, eventId);
            kafka.send(topicFor(type), subscriber.key(), GoldenEvents.about(type, subscriber.service(), eventId));
            // Wait for each one, so that the order of arrival is the order of sending across the topics.
            awaitRecorded(subscriber, eventId);
        }
        eventIds.values().forEach(eventId -> awaitDelivered(subscriber, eventId));

        for (String eventId : eventIds.values()) {
            assertThat(deliveries(eventId, subscriber.ids().get(0))).as("deliveries of %s", eventId).isEqualTo(1);
            assertThat(posts(subscriber, 0, eventId)).as("POSTs of %s", eventId).isEqualTo(1);
        }
        assertThat(queuedNotifications(subscriber.teamTopic(0))).isEqualTo(eventIds.size());
        assertThat(publishedAbout(subscriber, eventIds.get(GoldenEvents.ROLLBACK_FAILED)))
                .containsEntry("urgency", "critical")
                .containsEntry("title", "Rollback FAILED: " + subscriber.service()
                        + " still runs 2.0.0 in production \u2014 act now");
        assertThat(publishedAbout(subscriber, eventIds.get(GoldenEvents.ROLLBACK_REQUESTED)))
                .containsEntry("urgency", "normal")
                .containsEntry("title", "Rollback of " + subscriber.service() + " in production from 2.0.0 to 1.0.0"
                        + " was requested; it has already failed, " + subscriber.service() + " still runs 2.0.0");
    }

    @Test
    void acceptedRedeliveredAfterTheRollbackEndedDoesNotMakeALateRequestSoundRunning() {
        Subscriber subscriber = subscriber(1);
        ConsumedStream deployments = stream(Channels.DEPLOYMENTS);
        String acceptedId = UUID.randomUUID().toString();
        String rolledBackId = UUID.randomUUID().toString();
        String lateAcceptedId = UUID.randomUUID().toString();
        String requestId = UUID.randomUUID().toString();

        // accepted, then done by a person; a second "accepted" (another event of the same rollback) comes after.
        kafka.send(deployments.topic(), subscriber.key(),
                GoldenEvents.about(GoldenEvents.ROLLBACK_ACCEPTED, subscriber.service(), acceptedId));
        kafka.send(deployments.topic(), subscriber.key(), GoldenEvents.about(GoldenEvents.ROLLEDBACK,
                subscriber.service(), rolledBackId).replace("\"reportedBy\": \"executor\"", "\"reportedBy\": \"person\""));
        kafka.send(deployments.topic(), subscriber.key(),
                GoldenEvents.about(GoldenEvents.ROLLBACK_ACCEPTED, subscriber.service(), lateAcceptedId));
        awaitRecorded(subscriber, lateAcceptedId);
        kafka.send(topicFor(GoldenEvents.ROLLBACK_REQUESTED), subscriber.key(),
                GoldenEvents.about(GoldenEvents.ROLLBACK_REQUESTED, subscriber.service(), requestId));
        List.of(acceptedId, rolledBackId, lateAcceptedId, requestId).forEach(id -> awaitDelivered(subscriber, id));

        assertThat(publishedAbout(subscriber, requestId)).containsEntry("title", "Rollback of " + subscriber.service()
                + " in production from 2.0.0 to 1.0.0 was requested; it is already done");
        assertThat(publishedAbout(subscriber, rolledBackId)).containsEntry("title", subscriber.service()
                + " rolled back to 1.0.0 in production by hand");
    }

    // --- rollback-service's decision events (lifeguard.rollbacks) ---

    static List<String> decisionTypes() {
        return GoldenEvents.DECISIONS;
    }

    @ParameterizedTest
    @MethodSource("decisionTypes")
    void decisionEventRedeliveredAfterItWasDeliveredIsNotDeliveredOrPostedAgain(String type) {
        ConsumedStream rollbacks = stream(Channels.ROLLBACKS);
        Subscriber subscriber = subscriber(1);
        String eventId = UUID.randomUUID().toString();
        String event = GoldenEvents.about(type, subscriber.service(), eventId);

        kafka.send(rollbacks.topic(), subscriber.key(), event);
        awaitDelivered(subscriber, eventId);
        kafka.send(rollbacks.topic(), subscriber.key(), event);
        // Same key, so same partition: once the marker is delivered, the redelivery before it has been handled.
        String markerId = UUID.randomUUID().toString();
        kafka.send(rollbacks.topic(), subscriber.key(), GoldenEvents.about(type, subscriber.service(), markerId));
        awaitDelivered(subscriber, markerId);

        assertThat(deliveries(eventId, subscriber.ids().get(0))).isEqualTo(1);
        assertThat(posts(subscriber, 0, eventId)).isEqualTo(1);
        assertThat(queuedNotifications(subscriber.teamTopic(0))).isEqualTo(2); // the event's and the marker's
    }

    @ParameterizedTest
    @MethodSource("decisionTypes")
    void sameDecisionEventHandledByTwoInstancesAtOnceIsDeliveredOncePerSubscription(String type) throws Exception {
        ConsumedStream rollbacks = stream(Channels.ROLLBACKS);
        Subscriber subscriber = subscriber(2);
        String eventId = UUID.randomUUID().toString();
        ConsumerRecord<String, String> record = new ConsumerRecord<>(rollbacks.topic(), 0, 0L, subscriber.key(),
                GoldenEvents.about(type, subscriber.service(), eventId));

        Concurrently.atOnce(WAIT, () -> rollbacks.handler().accept(record), () -> rollbacks.handler().accept(record));
        awaitDelivered(subscriber, eventId);

        for (int i = 0; i < 2; i++) {
            assertThat(deliveries(eventId, subscriber.ids().get(i))).as("deliveries to subscription %d", i).isEqualTo(1);
            assertThat(posts(subscriber, i, eventId)).as("POSTs to subscription %d", i).isEqualTo(1);
            assertThat(queuedNotifications(subscriber.teamTopic(i))).as("published for team %d", i).isEqualTo(1);
        }
    }

    @Test
    void approvalSettledTwiceArrivingInReverseOrderKeepsTheLaterSettlementAndTheLateRequestSaysSo() {
        Subscriber subscriber = subscriber(1);
        ConsumedStream rollbacks = stream(Channels.ROLLBACKS);
        // rollback-service: asked at 10:01:22, held by the timeout at 10:16:22, approved by alice at 10:20:00.
        String heldByTimeout = GoldenEvents.about(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.APPROVED,
                        subscriber.service(), UUID.randomUUID().toString())
                .replace("\"time\": \"2026-11-26T10:04:10Z\"", "\"time\": \"2026-11-26T10:16:22Z\"")
                .replace("\"decision\": \"APPROVED\"", "\"decision\": \"HELD\"")
                .replace("\"settledBy\": \"alice\"", "\"settledBy\": \"timeout\"")
                .replace("\"rule\": \"approved\"", "\"rule\": \"approval-timeout\"");
        String approved = GoldenEvents.about(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.APPROVED,
                        subscriber.service(), UUID.randomUUID().toString())
                .replace("\"time\": \"2026-11-26T10:04:10Z\"", "\"time\": \"2026-11-26T10:20:00Z\"")
                .replace("\"previousDecision\": \"AWAITING_APPROVAL\"", "\"previousDecision\": \"HELD\"");
        String requestId = UUID.randomUUID().toString();

        for (String event : List.of(approved, heldByTimeout,
                GoldenEvents.about(GoldenEvents.APPROVAL_REQUESTED, subscriber.service(), requestId))) {
            kafka.send(rollbacks.topic(), subscriber.key(), event);
        }
        awaitDelivered(subscriber, requestId);

        assertThat(publishedAbout(subscriber, requestId))
                .containsEntry("urgency", "normal")
                .containsEntry("title", "Approval to roll back " + subscriber.service() + " in production from 2.0.0"
                        + " to 1.0.0 was asked; already approved by alice");
        assertThat(count("SELECT count(*) FROM decision_settlement WHERE service = ?1 AND decision = 'APPROVED'",
                subscriber.service())).isEqualTo(1);
    }

    private static String rollbackOutcome(String outcome, String service, String eventId) {
        return switch (outcome) {
            case "failed" -> GoldenEvents.about(GoldenEvents.ROLLBACK_FAILED, service, eventId);
            case "skipped" -> GoldenEvents.about(GoldenEvents.ROLLBACK_SKIPPED, service, eventId);
            case "accepted" -> GoldenEvents.about(GoldenEvents.ROLLBACK_ACCEPTED, service, eventId);
            case "accepted-by-webhook" -> GoldenEvents.acceptedByWebhook(service, eventId);
            case "rolled-back-by-ci" -> GoldenEvents.rolledBackByCi(service, eventId);
            default -> throw new IllegalArgumentException(outcome);
        };
    }

    /** What notification.published said about the event (title, text, urgency...), from the outbox. */
    private Map<String, String> publishedAbout(Subscriber subscriber, String eventId) {
        String payload = QuarkusTransaction.requiringNew().call(() -> (String) entityManager.createNativeQuery(
                        "SELECT payload FROM outbox_event WHERE topic = ?1 AND event_type = ?2 AND payload LIKE ?3")
                .setParameter(1, subscriber.teamTopic(0))
                .setParameter(2, NOTIFICATION_PUBLISHED)
                .setParameter(3, "%" + eventId + "%")
                .getSingleResult());
        JsonNode content = EventContract.parse(payload).at("/data/subject/content");
        Map<String, String> fields = new LinkedHashMap<>();
        content.fields().forEachRemaining(field -> {
            if (field.getValue().isTextual()) {
                fields.put(field.getKey(), field.getValue().asText());
            }
        });
        return fields;
    }

    // --- a subscribed team (or several) on one fresh service ---

    /** Teams subscribed with one webhook each to one fresh service; POSTs are counted per webhook path. */
    record Subscriber(String service, List<String> teams, List<String> ids, List<String> paths, String topicPrefix) {

        String key() {
            return service + "/production";
        }

        String teamTopic(int index) {
            return topicPrefix + "." + teams.get(index);
        }
    }

    private Subscriber subscriber(int subscriptions) {
        String service = unique("svc");
        List<String> teams = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < subscriptions; i++) {
            String team = unique("team");
            String path = "/hooks/" + UUID.randomUUID();
            teams.add(team);
            paths.add(path);
            ids.add(subscribe(team, List.of(service), "webhook", channels.baseUrl() + path));
        }
        return new Subscriber(service, teams, ids, paths, config.getValue("lifeguard.topics.notifications", String.class));
    }

    private ConsumedStream stream(String channel) {
        Map<String, String> types = Map.of(
                Channels.DEPLOYMENTS, GoldenEvents.UPGRADED,
                Channels.ANOMALIES, GoldenEvents.ANOMALY,
                Channels.ROLLBACKS, GoldenEvents.ROLLBACK_REQUESTED,
                Channels.ANALYSES, GoldenEvents.ANALYSIS);
        Map<String, Consumer<ConsumerRecord<String, String>>> handlers = Map.of(
                Channels.DEPLOYMENTS, consumer::consumeDeployment,
                Channels.ANOMALIES, consumer::consumeAnomaly,
                Channels.ROLLBACKS, consumer::consumeRollback,
                Channels.ANALYSES, consumer::consumeAnalysis);
        return new ConsumedStream(channel, config.getValue("lifeguard.topics." + channel, String.class), types.get(channel),
                handlers.get(channel));
    }

    private List<ConsumedStream> allStreams() {
        return List.of(stream(Channels.DEPLOYMENTS), stream(Channels.ANOMALIES), stream(Channels.ROLLBACKS),
                stream(Channels.ANALYSES));
    }

    private String topicFor(String type) {
        String channel = switch (type) {
            case GoldenEvents.ANOMALY -> Channels.ANOMALIES;
            case GoldenEvents.ROLLBACK_REQUESTED -> Channels.ROLLBACKS;
            // deploy-service's outcomes share the deployments topic
            case GoldenEvents.ANALYSIS -> Channels.ANALYSES;
            default -> Channels.DEPLOYMENTS;
        };
        return stream(channel).topic();
    }

    // --- what happened, counted exactly ---

    /** Webhook POSTs to the subscription's path about the event (the webhook channel sends its id as ce-id). */
    private static int posts(Subscriber subscriber, int subscription, String eventId) {
        return channels.findAll(postRequestedFor(urlEqualTo(subscriber.paths().get(subscription)))
                .withHeader("ce-id", equalTo(eventId))).size();
    }

    private long deliveries(String eventId, String subscriptionId) {
        return count("SELECT count(*) FROM delivery WHERE event_id = ?1 AND subscription_id = ?2", eventId,
                subscriptionId);
    }

    /** notification.published events queued for a topic, sent or not. */
    private long queuedNotifications(String topic) {
        return count("SELECT count(*) FROM outbox_event WHERE topic = ?1 AND event_type = ?2", topic,
                NOTIFICATION_PUBLISHED);
    }

    private long unsentNotifications(String topic) {
        return count("SELECT count(*) FROM outbox_event WHERE topic = ?1 AND event_type = ?2 AND sent_at IS NULL", topic,
                NOTIFICATION_PUBLISHED);
    }

    /** These events in the order their deliveries were recorded. */
    @SuppressWarnings("unchecked")
    private List<String> recordedOrder(String subscriptionId, List<String> eventIds) {
        List<String> recorded = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                        "SELECT event_id FROM delivery WHERE subscription_id = ?1 ORDER BY created_at, id")
                .setParameter(1, subscriptionId)
                .getResultList());
        return recorded.stream().filter(eventIds::contains).toList();
    }

    private long count(String sql, Object... parameters) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = entityManager.createNativeQuery(sql);
            for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
            }
            return ((Number) query.getSingleResult()).longValue();
        });
    }

    private void awaitRecorded(Subscriber subscriber, String eventId) {
        await().atMost(WAIT).ignoreExceptions()
                .until(() -> deliveries(eventId, subscriber.ids().get(0)) > 0);
    }

    /** Waits until every subscription's delivery of the event is DELIVERED (and so POSTed). */
    private void awaitDelivered(Subscriber subscriber, String eventId) {
        // After a database outage the pool may hand out a dead connection once: that is not the test's business.
        await().atMost(WAIT).ignoreExceptions().until(() -> subscriber.ids().stream().allMatch(subscriptionId -> count(
                "SELECT count(*) FROM delivery WHERE event_id = ?1 AND subscription_id = ?2 AND status = 'DELIVERED'",
                eventId, subscriptionId) == 1));
    }
}
