package dev.lifeguard.postmortem.messaging;

import dev.lifeguard.postmortem.ChainScenario;
import dev.lifeguard.postmortem.FixRollout;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.UUID;

import static dev.lifeguard.postmortem.ReadModelTestClient.awaitTimelineEntry;
import static dev.lifeguard.postmortem.ReadModelTestClient.publish;
import static dev.lifeguard.postmortem.ReadModelTestClient.topic;
import static org.assertj.core.api.Assertions.assertThat;

/** Poison input goes to {@code <topic>.dlq} with its reason, and the record after it is still processed. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class DeadLetterTest {

    @ParameterizedTest
    @CsvSource({
            "deployments, dev.cdevents.service.upgraded.0.3.0",
            "anomalies, dev.cdevents.incident.detected.0.3.0",
            "rollbacks, dev.cdeventsx.lifeguard-rollback.requested.0.1.0",
            "analyses, dev.cdeventsx.lifeguard-analysis.finished.0.1.0",
            "notifications, dev.cdeventsx.lifeguard-notification.published.0.1.0"})
    void recordThatIsNotJsonIsDeadLetteredAndTheNextOneProcessed(String topicName, String goodType) {
        ChainScenario chain = new ChainScenario();
        String garbage = "not json " + UUID.randomUUID();
        KafkaTestClient.forTestBroker().send(topic(topicName), chain.key(), garbage);
        String goodEventId = publish(chain, goodType);

        ConsumerRecord<String, String> deadLetter = KafkaTestClient.forTestBroker()
                .awaitRecord(topic(topicName) + ".dlq", record -> garbage.equals(record.value()));
        assertThat(KafkaTestClient.header(deadLetter, "dead-letter-reason")).contains("not JSON");
        awaitTimelineEntry(goodEventId);
    }

    @Test
    void chainEventWithoutChainIdIsDeadLetteredWithTheReason() {
        ChainScenario chain = new ChainScenario();
        String anomaly = chain.event(ChainScenario.ANOMALY)
                .replaceAll("\"chainid\": \"[^\"]+\",", "")
                .replaceAll("\"chainId\": \"[^\"]+\",", "");
        KafkaTestClient.forTestBroker().send(topic("anomalies"), chain.key(), anomaly);
        ChainScenario next = new ChainScenario();
        String nextEventId = publish(next, ChainScenario.ANOMALY);

        ConsumerRecord<String, String> deadLetter = KafkaTestClient.forTestBroker()
                .awaitRecord(topic("anomalies") + ".dlq", record -> anomaly.equals(record.value()));
        assertThat(KafkaTestClient.header(deadLetter, "dead-letter-reason")).contains("missing chain id");
        awaitTimelineEntry(nextEventId);
    }

    @Test
    void verdictWithAnUnknownOutcomeIsDeadLetteredWithTheReason() {
        ChainScenario chain = new ChainScenario();
        String verdict = chain.event(ChainScenario.ANALYSIS).replace("\"outcome\": \"failed\"", "\"outcome\": \"maybe\"");
        KafkaTestClient.forTestBroker().send(topic("analyses"), chain.key(), verdict);
        ChainScenario next = new ChainScenario();
        String nextEventId = publish(next, ChainScenario.ANALYSIS);

        ConsumerRecord<String, String> deadLetter = KafkaTestClient.forTestBroker()
                .awaitRecord(topic("analyses") + ".dlq", record -> verdict.equals(record.value()));
        assertThat(KafkaTestClient.header(deadLetter, "dead-letter-reason"))
                .contains("/subject/content/outcome", "'maybe'");
        awaitTimelineEntry(nextEventId);
    }

    @Test
    void rollbackOutcomeWithoutItsDetailIsDeadLetteredWithTheReason() {
        ChainScenario chain = new ChainScenario();
        String failed = chain.event(ChainScenario.ROLLBACK_FAILED).replace("\"detail\"", "\"note\"");
        KafkaTestClient.forTestBroker().send(topic("deployments"), chain.key(), failed);
        ChainScenario next = new ChainScenario();
        String nextEventId = publish(next, ChainScenario.ROLLBACK_FAILED);

        ConsumerRecord<String, String> deadLetter = KafkaTestClient.forTestBroker()
                .awaitRecord(topic("deployments") + ".dlq", record -> failed.equals(record.value()));
        assertThat(KafkaTestClient.header(deadLetter, "dead-letter-reason")).contains("/subject/content/detail");
        awaitTimelineEntry(nextEventId);
    }

    @Test
    void rolloutEventWithoutItsVersionIsDeadLetteredWithTheReasonAndTheNextOneIsOnTheTimeline() {
        ChainScenario chain = new ChainScenario();
        FixRollout fix = new FixRollout(chain, List.of());
        String aborted = fix.event(FixRollout.ABORTED, "2026-11-26T11:09:03Z").replace("\"version\": \"2.0.1\",", "");
        KafkaTestClient.forTestBroker().send(topic("deployments"), chain.key(), aborted);
        String nextEventId = publish(chain, "deployments", fix.event(FixRollout.PROMOTED, "2026-11-26T11:20:00Z"));

        ConsumerRecord<String, String> deadLetter = KafkaTestClient.forTestBroker()
                .awaitRecord(topic("deployments") + ".dlq", record -> aborted.equals(record.value()));
        assertThat(KafkaTestClient.header(deadLetter, "dead-letter-reason")).contains("/subject/content/version");
        awaitTimelineEntry(nextEventId);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "decided | \"decision\": \"AWAITING_APPROVAL\" | \"decision\": \"MAYBE\" | /subject/content/decision",
            "decided | \"rule\": \"mode-approval\" | \"rules\": \"mode-approval\" | /subject/content/explanation/rule",
            "approval-requested | \"deadline\": \"2026-11-26T10:16:22Z\" | \"deadline\": \"in 15 minutes\" | /subject/content/approval/deadline",
            "escalated | \"then\": \"hold\" | \"next\": \"hold\" | /subject/content/then",
            "guard-tripped | \"window\": \"PT1H\", | '' | /subject/content/window"})
    void decisionEventMissingWhatTheTimelineTellsIsDeadLetteredWithTheReasonAndTheNextOneRecorded(
            String typeName, String field, String broken, String path) {
        ChainScenario chain = new ChainScenario();
        String type = "dev.cdeventsx.lifeguard-rollback." + typeName + ".0.1.0";
        String good = chain.event(type, "");
        String bad = good.replace(field, broken);
        assertThat(bad).isNotEqualTo(good);
        KafkaTestClient.forTestBroker().send(topic("rollbacks"), chain.key(), bad);
        ChainScenario next = new ChainScenario();
        String nextEventId = publish(next, "rollbacks", next.event(type, ""));

        ConsumerRecord<String, String> deadLetter = KafkaTestClient.forTestBroker()
                .awaitRecord(topic("rollbacks") + ".dlq", record -> bad.equals(record.value()));
        assertThat(KafkaTestClient.header(deadLetter, "dead-letter-reason")).contains(path);
        awaitTimelineEntry(nextEventId);
    }

    @Test
    void everyRollbackOutcomeAndARetiredTargetPassWithoutADeadLetter() {
        ChainScenario chain = new ChainScenario();
        List<String> events = List.of(chain.serviceRemoved(UUID.randomUUID().toString()),
                chain.event(ChainScenario.ROLLBACK_FAILED), chain.event(ChainScenario.ROLLBACK_SKIPPED),
                chain.event(ChainScenario.ROLLBACK_ACCEPTED), chain.rolledBackByCi());
        events.forEach(event -> KafkaTestClient.forTestBroker().send(topic("deployments"), chain.key(), event));
        // Same key, so same partition: once the next chain's event is in, all of these were handled.
        ChainScenario next = new ChainScenario();
        KafkaTestClient.forTestBroker().send(topic("deployments"), chain.key(), next.event(ChainScenario.UPGRADED));
        awaitTimelineEntry(next.eventId(ChainScenario.UPGRADED));

        for (String type : List.of(ChainScenario.ROLLBACK_FAILED, ChainScenario.ROLLBACK_SKIPPED,
                ChainScenario.ROLLBACK_ACCEPTED, ChainScenario.ROLLEDBACK)) {
            awaitTimelineEntry(chain.eventId(type));
        }
        assertThat(KafkaTestClient.forTestBroker().readAll(topic("deployments") + ".dlq"))
                .noneMatch(letter -> letter.value().contains(chain.service()));
    }
}
