package dev.lifeguard.postmortem.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.ChainScenario;
import dev.lifeguard.postmortem.DecisionEvents;
import dev.lifeguard.postmortem.FixRollout;
import dev.lifeguard.postmortem.ReadModelTestClient;
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
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static dev.lifeguard.postmortem.ReadModelTestClient.awaitIncident;
import static dev.lifeguard.postmortem.ReadModelTestClient.publish;
import static dev.lifeguard.postmortem.ReadModelTestClient.topic;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure-mode checklist for {@link ChainEventConsumer} on each of its channels (deployments, anomalies,
 * analyses, rollbacks, notifications): an event arriving twice, out of order, after a topic reset, while the database is
 * down, handled by two instances at once, and across a broker restart; for rollback-service's decision events too
 * (redelivered, out of order, two instances). Effects are counted exactly: timeline
 * entries, incidents per chain, incident.resolved events and fixes linked. Channel names double as topic names in the
 * configuration ({@code lifeguard.topics.<channel>}).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class ChainEventFailureModesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String INCIDENT_RESOLVED = "dev.cdevents.incident.resolved.0.3.0";
    /** The golden chain in event-time order, and the channel each event arrives on. */
    private static final Map<String, String> CHAIN = orderedMap(
            ChainScenario.UPGRADED, Channels.DEPLOYMENTS,
            ChainScenario.ANOMALY, Channels.ANOMALIES,
            ChainScenario.ANALYSIS, Channels.ANALYSES,
            ChainScenario.ROLLBACK_REQUESTED, Channels.ROLLBACKS,
            ChainScenario.ROLLEDBACK, Channels.DEPLOYMENTS,
            ChainScenario.NOTIFICATION, Channels.NOTIFICATIONS);
    /** A chain whose rollback failed, in event-time order: its incident must stay open however it arrives. */
    private static final Map<String, String> FAILED_CHAIN = orderedMap(
            ChainScenario.UPGRADED, Channels.DEPLOYMENTS,
            ChainScenario.ANOMALY, Channels.ANOMALIES,
            ChainScenario.ANALYSIS, Channels.ANALYSES,
            ChainScenario.ROLLBACK_REQUESTED, Channels.ROLLBACKS,
            ChainScenario.ROLLBACK_FAILED, Channels.DEPLOYMENTS,
            ChainScenario.NOTIFICATION, Channels.NOTIFICATIONS);

    @Inject
    EntityManager entityManager;
    @Inject
    ChainEventConsumer consumer;

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @Test
    void everyEventOfAChainRedeliveredOnEveryChannelIsRecordedOnceAndResolvesOnce() {
        ChainScenario chain = new ChainScenario();
        CHAIN.keySet().forEach(type -> publish(chain, type));
        awaitIncident(chain, "RESOLVED");
        awaitEntries(chain, CHAIN.size());

        CHAIN.keySet().forEach(type -> publish(chain, type));
        awaitRedeliveriesHandled(chain);

        assertRecordedOnceAndResolvedOnce(chain);
    }

    @Test
    void incidentIsTheSameWhateverOrderTheEventsOfItsChainArriveIn() {
        List<List<String>> orders = rotationsBothWays(List.copyOf(CHAIN.keySet()));
        List<ChainScenario> chains = orders.stream().map(order -> new ChainScenario()).toList();
        // Round by round, so that each chain's events arrive in its order even across topics.
        for (int round = 0; round < CHAIN.size(); round++) {
            List<String> eventIds = new ArrayList<>();
            for (int i = 0; i < chains.size(); i++) {
                eventIds.add(publish(chains.get(i), orders.get(i).get(round)));
            }
            await().atMost(WAIT).until(() -> count("SELECT count(*) FROM timeline_entry WHERE event_id IN (:ids)",
                    Map.of("ids", eventIds)) == eventIds.size());
        }

        String expected = null;
        for (int i = 0; i < chains.size(); i++) {
            ChainScenario chain = chains.get(i);
            String incidentId = awaitIncident(chain, "RESOLVED");
            assertThat(count("SELECT count(*) FROM incident WHERE chain_id = :chain", Map.of("chain", chain.chainId())))
                    .isEqualTo(1);
            assertThat(resolvedEvents(chain)).as("incident.resolved of order %s", orders.get(i)).isEqualTo(1);
            String outcome = normalized(chain, incidentId, String.join("\n---\n",
                    given().get("/api/v1/incidents/{id}", incidentId).then().statusCode(200).extract().asString(),
                    given().get("/api/v1/incidents/{id}/postmortem", incidentId).then().statusCode(200).extract().asString(),
                    resolvedEventContent(chain)));
            if (expected == null) {
                expected = outcome;
                JsonPath incident = JsonPath.from(outcome.substring(0, outcome.indexOf("\n---\n")));
                assertThat(incident.getString("status")).isEqualTo("RESOLVED");
                assertThat(incident.getString("triggerVersion")).isEqualTo("2.0.0");
                assertThat(incident.getString("restoredVersion")).isEqualTo("1.0.0");
                assertThat(incident.getList("timeline.type"))
                        .containsExactly("deployment", "anomaly", "analysis", "rollback-requested", "rollback",
                                "notification");
                assertThat(outcome).contains("- Commit: `e4f5a6b`", "- Rollback decision: `rollback-0004`",
                        "| analysis | Analysis of <service> 2.0.0 in production failed: error_rate above 0.05 for 3"
                                + " consecutive samples (threshold, statistic 0.4) |");
            }
            assertThat(outcome).as("incident of order %s", orders.get(i)).isEqualTo(expected);
        }
    }

    @Test
    void afterTheTopicsAreRecreatedResentEventsAreNotAppliedTwiceAndNewOnesAre() throws Exception {
        ChainScenario before = new ChainScenario();
        CHAIN.keySet().forEach(type -> publish(before, type));
        awaitIncident(before, "RESOLVED");
        awaitEntries(before, CHAIN.size());
        awaitDrained(before);

        TopicReset.recreate("lifeguard-postmortem-service",
                CHAIN.values().stream().distinct().map(ReadModelTestClient::topic).toArray(String[]::new));

        // The same events at the start of fresh topics (offsets begin at 0 again), then a new chain's events on the
        // same partitions: once the new chain is complete, the resent events have been handled.
        CHAIN.keySet().forEach(type -> publish(before, type));
        ChainScenario after = new ChainScenario();
        CHAIN.forEach((type, channel) -> kafka.send(topic(channel), before.key(), after.event(type)));
        awaitIncident(after, "RESOLVED");
        awaitEntries(after, CHAIN.size());

        assertRecordedOnceAndResolvedOnce(before);
        assertRecordedOnceAndResolvedOnce(after);
    }

    @Test
    void eventsArrivingWhileTheDatabaseIsDownWaitAreNotDeadLetteredAndAreRecordedOnceInOrder() {
        ChainScenario chain = new ChainScenario();
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            CHAIN.keySet().forEach(type -> publish(chain, type));

            Map<String, String> stuck = await().atMost(WAIT).until(ServiceHealth::stuckChannels,
                    channels -> channels.keySet().containsAll(CHAIN.values()));
            CHAIN.values().forEach(channel -> assertThat(stuck.get(channel))
                    .startsWith("retrying " + topic(channel) + "-"));
            outage.close();

            await().atMost(WAIT).ignoreExceptions().until(() -> entries(chain) == CHAIN.size());
        }
        awaitIncident(chain, "RESOLVED");

        assertRecordedOnceAndResolvedOnce(chain);
        // Retried in place: the rollback queued behind the deployment on the same partition came after it.
        assertThat(arrivalOrder(chain)).containsSubsequence(chain.eventId(ChainScenario.UPGRADED),
                chain.eventId(ChainScenario.ROLLEDBACK));
        for (String channel : Set.copyOf(CHAIN.values())) {
            assertThat(kafka.readAll(topic(channel) + ".dlq")).as("dead letters of %s", channel)
                    .noneMatch(letter -> letter.value().contains(chain.chainId()));
        }
        await().atMost(WAIT).until(() -> ServiceHealth.stuckChannels().isEmpty());
    }

    @ParameterizedTest
    @CsvSource({
            "deployments, dev.cdevents.service.rolledback.0.3.0",
            "anomalies, dev.cdevents.incident.detected.0.3.0",
            "rollbacks, dev.cdeventsx.lifeguard-rollback.requested.0.1.0",
            "rollbacks, dev.cdeventsx.lifeguard-rollback.decided.0.1.0",
            "rollbacks, dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0",
            "analyses, dev.cdeventsx.lifeguard-analysis.finished.0.1.0",
            "notifications, dev.cdeventsx.lifeguard-notification.published.0.1.0"})
    void sameRecordHandledByTwoInstancesAtOnceIsRecordedOnce(String channel, String type) throws Exception {
        ChainScenario chain = new ChainScenario();
        if (!ChainScenario.ANOMALY.equals(type)) {
            // The chain's incident is open, so that a rollback resolves it and anything else joins it.
            handle(Channels.ANOMALIES, chain, ChainScenario.ANOMALY);
        }

        ConsumerRecord<String, String> record = record(channel, chain, type);
        Concurrently.atOnce(WAIT, () -> handler(channel).accept(record), () -> handler(channel).accept(record));

        assertThat(count("SELECT count(*) FROM timeline_entry WHERE event_id = :id", Map.of("id", chain.eventId(type))))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM incident WHERE chain_id = :chain", Map.of("chain", chain.chainId())))
                .isEqualTo(1);
        assertThat(resolvedEvents(chain)).isEqualTo(ChainScenario.ROLLEDBACK.equals(type) ? 1 : 0);
    }

    @Test
    void anomalyAndItsRollbackHandledByTwoInstancesAtOnceOpenOneIncidentAndResolveItOnce() throws Exception {
        ChainScenario chain = new ChainScenario();
        ConsumerRecord<String, String> anomaly = record(Channels.ANOMALIES, chain, ChainScenario.ANOMALY);
        ConsumerRecord<String, String> rollback = record(Channels.DEPLOYMENTS, chain, ChainScenario.ROLLEDBACK);

        Concurrently.atOnce(WAIT, () -> consumer.consumeAnomaly(anomaly), () -> consumer.consumeDeployment(rollback));

        assertThat(entries(chain)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM incident WHERE chain_id = :chain AND status = 'RESOLVED'",
                Map.of("chain", chain.chainId()))).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM incident WHERE chain_id = :chain", Map.of("chain", chain.chainId())))
                .isEqualTo(1);
        assertThat(resolvedEvents(chain)).isEqualTo(1);
    }

    @Test
    void incidentOpeningAndItsCandidateFixHandledByTwoInstancesAtOnceAreLinkedOnce() throws Exception {
        // Two chains, two chain locks: only the fixes lock makes each see what the other wrote. Several targets at
        // once, so that the race would show.
        List<ChainScenario> chains = new ArrayList<>();
        List<Runnable> work = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ChainScenario chain = new ChainScenario();
            chains.add(chain);
            ConsumerRecord<String, String> anomaly = record(Channels.ANOMALIES, chain, ChainScenario.ANOMALY);
            ConsumerRecord<String, String> deployment = new ConsumerRecord<>(topic(Channels.DEPLOYMENTS), 0, 0L,
                    chain.key(), new FixRollout(chain, List.of()).upgraded("2026-11-26T11:00:00Z", false));
            work.add(() -> consumer.consumeAnomaly(anomaly));
            work.add(() -> consumer.consumeDeployment(deployment));
        }

        Concurrently.atOnce(WAIT, work.toArray(Runnable[]::new));

        for (ChainScenario chain : chains) {
            assertThat(fixLinks(chain)).as("fixes of %s", chain.service()).isEqualTo(1);
            assertThat(count("SELECT count(*) FROM timeline_entry WHERE chain_id = :chain AND entry_type = 'fix-deployed'",
                    Map.of("chain", chain.chainId()))).isEqualTo(1);
        }
    }

    @Test
    void sameFixEventHandledByTwoInstancesAtOnceLinksOnceAndWritesEachEntryOnce() throws Exception {
        ChainScenario chain = new ChainScenario();
        handle(Channels.ANOMALIES, chain, ChainScenario.ANOMALY);
        FixRollout fix = new FixRollout(chain, List.of(chain.chainId()));
        String promoted = fix.event(FixRollout.PROMOTED, "2026-11-26T11:20:00Z");
        ConsumerRecord<String, String> record = new ConsumerRecord<>(topic(Channels.DEPLOYMENTS), 0, 0L, chain.key(),
                promoted);

        Concurrently.atOnce(WAIT, () -> consumer.consumeDeployment(record), () -> consumer.consumeDeployment(record));

        assertThat(fixLinks(chain)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM timeline_entry WHERE event_id = :id",
                Map.of("id", ChainScenario.json(promoted).path("id").asText()))).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM timeline_entry WHERE chain_id = :chain AND entry_type LIKE 'fix-%'",
                Map.of("chain", chain.chainId()))).isEqualTo(2); // deployed and verified
    }

    @Test
    void afterABrokerRestartNewEventsAreRecordedAndTheOutboxDrains() {
        ChainScenario during = new ChainScenario();
        boolean stopped = false;
        try {
            KafkaBrokerResource.broker().stopBroker();
            stopped = true;
            // Records fetched just before the broker went away are handled while it is away: the incident.resolved
            // they cause can only wait in the outbox.
            handle(Channels.ANOMALIES, during, ChainScenario.ANOMALY);
            handle(Channels.ANALYSES, during, ChainScenario.ANALYSIS);
            handle(Channels.DEPLOYMENTS, during, ChainScenario.ROLLEDBACK);
            assertThat(unsentResolvedEvents(during)).isEqualTo(1);
            assertThat(entries(during)).isEqualTo(3);
            KafkaBrokerResource.broker().startBroker();
            stopped = false;
        } finally {
            if (stopped) {
                KafkaBrokerResource.broker().startBroker();
            }
        }

        ChainScenario after = new ChainScenario();
        CHAIN.keySet().forEach(type -> publish(after, type));
        awaitIncident(after, "RESOLVED");
        awaitEntries(after, CHAIN.size());

        for (ChainScenario chain : List.of(during, after)) {
            ConsumerRecord<String, String> resolved = kafka.awaitRecord(topic("incidents"),
                    candidate -> chain.key().equals(candidate.key()));
            assertThat(EventContract.parse(resolved.value()).path("chainid").asText()).isEqualTo(chain.chainId());
            assertThat(resolvedEvents(chain)).isEqualTo(1);
            awaitDrained(chain);
        }
    }

    // --- deploy-service's rollback outcomes: failed, skipped, accepted ---

    @ParameterizedTest
    @CsvSource({
            "dev.cdeventsx.lifeguard-rollback.failed.0.1.0, failed",
            "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0, skipped",
            "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0, accepted"})
    void rollbackOutcomeRedeliveredIsRecordedOnceAndLeavesTheIncidentOpen(String type, String outcome) {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.ANOMALY);
        String outcomeId = publish(chain, type);
        awaitIncident(chain, "OPEN");
        await().atMost(WAIT).until(() -> entries(chain) == 2);

        publish(chain, type);
        awaitRedeliveriesHandled(chain);

        assertThat(count("SELECT count(*) FROM timeline_entry WHERE event_id = :id", Map.of("id", outcomeId)))
                .isEqualTo(1);
        assertThat(entries(chain)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM incident WHERE chain_id = :chain AND status = 'OPEN'"
                + " AND rollback_outcome = :outcome", Map.of("chain", chain.chainId(), "outcome", outcome))).isEqualTo(1);
        assertThat(resolvedEvents(chain)).isZero();
    }

    @Test
    void incidentWhoseRollbackFailedStaysOpenAndIsTheSameWhateverOrderItsEventsArriveIn() {
        List<List<String>> orders = rotationsBothWays(List.copyOf(FAILED_CHAIN.keySet()));
        List<ChainScenario> chains = orders.stream().map(order -> new ChainScenario()).toList();
        // Round by round, so that each chain's events arrive in its order even across topics.
        for (int round = 0; round < FAILED_CHAIN.size(); round++) {
            List<String> eventIds = new ArrayList<>();
            for (int i = 0; i < chains.size(); i++) {
                eventIds.add(publish(chains.get(i), orders.get(i).get(round)));
            }
            await().atMost(WAIT).until(() -> count("SELECT count(*) FROM timeline_entry WHERE event_id IN (:ids)",
                    Map.of("ids", eventIds)) == eventIds.size());
        }

        String expected = null;
        for (int i = 0; i < chains.size(); i++) {
            ChainScenario chain = chains.get(i);
            String incidentId = awaitIncident(chain, "OPEN");
            assertThat(count("SELECT count(*) FROM incident WHERE chain_id = :chain", Map.of("chain", chain.chainId())))
                    .isEqualTo(1);
            assertThat(resolvedEvents(chain)).as("incident.resolved of order %s", orders.get(i)).isZero();
            String outcome = normalized(chain, incidentId, FAILED_CHAIN.keySet(), String.join("\n---\n",
                    given().get("/api/v1/incidents/{id}", incidentId).then().statusCode(200).extract().asString(),
                    given().get("/api/v1/incidents/{id}/postmortem", incidentId).then().statusCode(200).extract()
                            .asString()));
            if (expected == null) {
                expected = outcome;
                JsonPath incident = JsonPath.from(outcome.substring(0, outcome.indexOf("\n---\n")));
                assertThat(incident.getString("status")).isEqualTo("OPEN");
                assertThat(incident.getString("rollbackOutcome")).isEqualTo("failed");
                assertThat(incident.getString("restoredVersion")).isNull();
                assertThat(incident.getList("timeline.type")).containsExactly("deployment", "anomaly", "analysis",
                        "rollback-requested", "rollback-failed", "notification");
                assertThat(outcome).contains("Not resolved: the rollback failed and 2.0.0 still runs in production.",
                        "- Rollback decision: `rollback-0004`");
            }
            assertThat(outcome).as("incident of order %s", orders.get(i)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "dev.cdeventsx.lifeguard-rollback.failed.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0"})
    void sameRollbackOutcomeHandledByTwoInstancesAtOnceIsRecordedOnceAndResolvesNothing(String type) throws Exception {
        ChainScenario chain = new ChainScenario();
        handle(Channels.ANOMALIES, chain, ChainScenario.ANOMALY);

        ConsumerRecord<String, String> record = record(Channels.DEPLOYMENTS, chain, type);
        Concurrently.atOnce(WAIT, () -> consumer.consumeDeployment(record), () -> consumer.consumeDeployment(record));

        assertThat(count("SELECT count(*) FROM timeline_entry WHERE event_id = :id", Map.of("id", chain.eventId(type))))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM incident WHERE chain_id = :chain AND status = 'OPEN'"
                + " AND rollback_outcome_event_id = :id", Map.of("chain", chain.chainId(), "id", chain.eventId(type))))
                .isEqualTo(1);
        assertThat(resolvedEvents(chain)).isZero();
    }

    // --- rollback-service's decisions: decided, approval requested, escalated, storm guard tripped ---

    /** An approved decision's chain in event-time order: step name, channel, event. */
    private static List<DecisionStep> approvalChain(ChainScenario chain) {
        return List.of(
                new DecisionStep("upgraded", Channels.DEPLOYMENTS, chain.event(ChainScenario.UPGRADED)),
                new DecisionStep("anomaly", Channels.ANOMALIES, chain.event(ChainScenario.ANOMALY)),
                new DecisionStep("awaiting", Channels.ROLLBACKS, DecisionEvents.awaitingApproval(chain)),
                new DecisionStep("approval-requested", Channels.ROLLBACKS, DecisionEvents.approvalRequested(chain)),
                new DecisionStep("approved", Channels.ROLLBACKS, DecisionEvents.approved(chain)),
                new DecisionStep("requested", Channels.ROLLBACKS, DecisionEvents.approvedRollbackRequested(chain)),
                new DecisionStep("rolledback", Channels.DEPLOYMENTS, DecisionEvents.rolledBackAfterApproval(chain)));
    }

    @Test
    void decisionEventsRedeliveredAreRecordedOnceAndTellTheSameStory() {
        ChainScenario chain = new ChainScenario();
        List<DecisionStep> steps = new ArrayList<>(approvalChain(chain).subList(1, 5));
        steps.add(new DecisionStep("guard", Channels.ROLLBACKS, DecisionEvents.guardTripped(chain)));
        steps.add(new DecisionStep("escalated", Channels.ROLLBACKS, DecisionEvents.escalated(chain)));
        steps.add(new DecisionStep("held", Channels.ROLLBACKS, DecisionEvents.heldAfterTimeout(chain)));
        steps.add(new DecisionStep("roll-back", Channels.ROLLBACKS, DecisionEvents.rollBack(chain)));
        steps.forEach(step -> kafka.send(topic(step.channel()), chain.key(), step.event()));
        String incidentId = awaitIncident(chain, "OPEN");
        awaitEntries(chain, steps.size());
        String before = given().get("/api/v1/incidents/{id}", incidentId).then().statusCode(200).extract().asString();

        steps.forEach(step -> kafka.send(topic(step.channel()), chain.key(), step.event()));
        awaitRedeliveriesHandled(chain);

        for (DecisionStep step : steps) {
            assertThat(count("SELECT count(*) FROM timeline_entry WHERE event_id = :id", Map.of("id", step.id())))
                    .as("timeline entries of %s", step.name()).isEqualTo(1);
        }
        assertThat(entries(chain)).isEqualTo(steps.size());
        String after = given().get("/api/v1/incidents/{id}", incidentId).then().statusCode(200).extract().asString();
        assertThat(after).isEqualTo(before);
        JsonPath incident = JsonPath.from(after);
        assertThat(incident.getList("decision.escalations")).hasSize(1);
        assertThat(incident.getString("decision.approval.outcome")).isEqualTo("approved");
        assertThat(incident.getList("timeline.type")).doesNotContain("decided-to-roll-back");
    }

    @Test
    void approvedDecisionIsTheSameWhateverOrderItsEventsArriveIn() {
        // Among the orders: the approval before its request, every decision before the anomaly.
        List<List<Integer>> orders = rotationsBothWays(List.of(0, 1, 2, 3, 4, 5, 6));
        List<ChainScenario> chains = orders.stream().map(order -> new ChainScenario()).toList();
        List<List<DecisionStep>> steps = chains.stream().map(ChainEventFailureModesTest::approvalChain).toList();
        for (int round = 0; round < 7; round++) {
            List<String> eventIds = new ArrayList<>();
            for (int i = 0; i < chains.size(); i++) {
                DecisionStep step = steps.get(i).get(orders.get(i).get(round));
                kafka.send(topic(step.channel()), chains.get(i).key(), step.event());
                eventIds.add(step.id());
            }
            await().atMost(WAIT).until(() -> count("SELECT count(*) FROM timeline_entry WHERE event_id IN (:ids)",
                    Map.of("ids", eventIds)) == eventIds.size());
        }

        String expected = null;
        for (int i = 0; i < chains.size(); i++) {
            ChainScenario chain = chains.get(i);
            String incidentId = awaitIncident(chain, "RESOLVED");
            assertThat(resolvedEvents(chain)).as("incident.resolved of order %s", orders.get(i)).isEqualTo(1);
            String outcome = String.join("\n---\n",
                    given().get("/api/v1/incidents/{id}", incidentId).then().statusCode(200).extract().asString(),
                    given().get("/api/v1/incidents/{id}/postmortem", incidentId).then().statusCode(200).extract()
                            .asString());
            outcome = outcome.replace(chain.service(), "<service>").replace(chain.chainId(), "<chain>")
                    .replace(incidentId, "<incident>");
            for (DecisionStep step : steps.get(i)) {
                outcome = outcome.replace(step.id(), "<" + step.name() + ">");
            }
            if (expected == null) {
                expected = outcome;
                JsonPath incident = JsonPath.from(outcome.substring(0, outcome.indexOf("\n---\n")));
                assertThat(incident.getList("timeline.type")).containsExactly("deployment", "anomaly",
                        "rollback-decided", "approval-requested", "rollback-decision-changed", "rollback-requested",
                        "rollback");
                assertThat(incident.getString("decision.decision")).isEqualTo("APPROVED");
                assertThat(incident.getString("decision.originalDecision")).isEqualTo("AWAITING_APPROVAL");
                assertThat(incident.getString("decision.approval.settledBy")).isEqualTo("alice");
                assertThat(outcome).contains("- Approved: by alice at 2026-11-26 10:04:10 UTC: error rate is real, go");
            }
            assertThat(outcome).as("incident of order %s", orders.get(i)).isEqualTo(expected);
        }
    }

    private record DecisionStep(String name, String channel, String event) {

        String id() {
            return ChainScenario.json(event).path("id").asText();
        }
    }

    // --- driving the consumer ---

    private Consumer<ConsumerRecord<String, String>> handler(String channel) {
        return switch (channel) {
            case Channels.DEPLOYMENTS -> consumer::consumeDeployment;
            case Channels.ANOMALIES -> consumer::consumeAnomaly;
            case Channels.ROLLBACKS -> consumer::consumeRollbackRequest;
            case Channels.ANALYSES -> consumer::consumeAnalysis;
            case Channels.NOTIFICATIONS -> consumer::consumeNotification;
            default -> throw new IllegalArgumentException(channel);
        };
    }

    private static ConsumerRecord<String, String> record(String channel, ChainScenario chain, String type) {
        return new ConsumerRecord<>(topic(channel), 0, 0L, chain.key(), chain.event(type));
    }

    /** Handles the chain's event as the channel's consumer does with a record it fetched. */
    private void handle(String channel, ChainScenario chain, String type) {
        handler(channel).accept(record(channel, chain, type));
    }

    /** Sends another chain's event on the same key to every channel and waits for them: the partitions are past. */
    private void awaitRedeliveriesHandled(ChainScenario chain) {
        ChainScenario marker = new ChainScenario();
        List<String> markerIds = new ArrayList<>();
        for (String type : List.of(ChainScenario.UPGRADED, ChainScenario.ANOMALY, ChainScenario.ANALYSIS,
                ChainScenario.ROLLBACK_REQUESTED, ChainScenario.NOTIFICATION)) {
            kafka.send(topic(CHAIN.get(type)), chain.key(), marker.event(type));
            markerIds.add(marker.eventId(type));
        }
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM timeline_entry WHERE event_id IN (:ids)",
                Map.of("ids", markerIds)) == markerIds.size());
    }

    // --- what happened, counted exactly ---

    private void assertRecordedOnceAndResolvedOnce(ChainScenario chain) {
        for (String type : CHAIN.keySet()) {
            assertThat(count("SELECT count(*) FROM timeline_entry WHERE event_id = :id", Map.of("id", chain.eventId(type))))
                    .as("timeline entries of %s", type).isEqualTo(1);
        }
        assertThat(entries(chain)).isEqualTo(CHAIN.size());
        assertThat(count("SELECT count(*) FROM incident WHERE chain_id = :chain", Map.of("chain", chain.chainId())))
                .isEqualTo(1);
        assertThat(resolvedEvents(chain)).isEqualTo(1);
        awaitDrained(chain);
        assertThat(kafka.readAll(topic("incidents"))).filteredOn(record -> chain.key().equals(record.key()))
                .hasSize(1);
    }

    private long entries(ChainScenario chain) {
        return count("SELECT count(*) FROM timeline_entry WHERE chain_id = :chain", Map.of("chain", chain.chainId()));
    }

    private void awaitEntries(ChainScenario chain, int expected) {
        await().atMost(WAIT).until(() -> entries(chain) == expected);
    }

    /** incident.resolved events queued for the chain's incident, sent or not. */
    private long resolvedEvents(ChainScenario chain) {
        return count("SELECT count(*) FROM outbox_event WHERE record_key = :key AND event_type = :type",
                Map.of("key", chain.key(), "type", INCIDENT_RESOLVED));
    }

    private long unsentResolvedEvents(ChainScenario chain) {
        return count("SELECT count(*) FROM outbox_event WHERE record_key = :key AND event_type = :type"
                + " AND sent_at IS NULL", Map.of("key", chain.key(), "type", INCIDENT_RESOLVED));
    }

    private void awaitDrained(ChainScenario chain) {
        await().atMost(WAIT).until(() -> unsentResolvedEvents(chain) == 0);
    }

    /** What incident.resolved says (its own id and time aside). */
    private String resolvedEventContent(ChainScenario chain) {
        String payload = QuarkusTransaction.requiringNew().call(() -> (String) entityManager.createNativeQuery(
                        "SELECT payload FROM outbox_event WHERE record_key = :key AND event_type = :type")
                .setParameter("key", chain.key())
                .setParameter("type", INCIDENT_RESOLVED)
                .getSingleResult());
        JsonNode resolved = EventContract.parse(payload);
        return String.join("\n", resolved.path("chainid").asText(), resolved.path("subject").asText(),
                resolved.at("/data/context/links").toString(), resolved.at("/data/subject").toString(),
                resolved.at("/data/customData").toString());
    }

    /** The chain's events in the order they were recorded. */
    @SuppressWarnings("unchecked")
    private List<String> arrivalOrder(ChainScenario chain) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                        "SELECT event_id FROM timeline_entry WHERE chain_id = :chain ORDER BY id")
                .setParameter("chain", chain.chainId())
                .getResultList());
    }

    /** The text with the chain's own names (service, chain, incident and event ids) replaced by what they stand for. */
    private static String normalized(ChainScenario chain, String incidentId, String text) {
        return normalized(chain, incidentId, CHAIN.keySet(), text);
    }

    private static String normalized(ChainScenario chain, String incidentId, Set<String> types, String text) {
        String result = text.replace(chain.service(), "<service>").replace(chain.chainId(), "<chain>")
                .replace(incidentId, "<incident>");
        for (String type : types) {
            result = result.replace(chain.eventId(type), "<" + type + ">");
        }
        return result;
    }

    /** Fixes linked to the chain's incident. */
    private long fixLinks(ChainScenario chain) {
        return count("SELECT count(*) FROM incident_fix f JOIN incident i ON i.id = f.incident_id"
                + " WHERE i.chain_id = :chain", Map.of("chain", chain.chainId()));
    }

    private long count(String sql, Map<String, Object> parameters) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = entityManager.createNativeQuery(sql);
            parameters.forEach(query::setParameter);
            return ((Number) query.getSingleResult()).longValue();
        });
    }

    /**
     * Every rotation of the items and of their reverse: each item arrives in each position, and each pair of items
     * arrives in both orders, at a sixtieth of the cost of all 720 orders.
     */
    private static <T> List<List<T>> rotationsBothWays(List<T> items) {
        List<T> reversed = new ArrayList<>(items);
        Collections.reverse(reversed);
        List<List<T>> orders = new ArrayList<>();
        for (List<T> base : List.of(items, reversed)) {
            for (int start = 0; start < base.size(); start++) {
                List<T> order = new ArrayList<>(base.subList(start, base.size()));
                order.addAll(base.subList(0, start));
                orders.add(order);
            }
        }
        return orders;
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
