package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.ROLLBACKS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.publishStepVerdict;
import static dev.lifeguard.deploy.DeployFixtures.publishVerdict;
import static dev.lifeguard.deploy.DeployFixtures.rollbackRequest;
import static dev.lifeguard.deploy.DeployFixtures.statusOf;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.deploy.service.RolloutFixtures.BOUND;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitPhase;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitRollout;
import static dev.lifeguard.deploy.service.RolloutFixtures.canary;
import static dev.lifeguard.deploy.service.RolloutFixtures.rollingOut;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit trail on {@code lifeguard.audit}: a mutating REST call is recorded with its caller, and each automatic
 * action of deploy-service (rollbacks executed or skipped, rollouts paused, aborted and promoted by their analysis)
 * with actor {@code service:deploy-service}, on target {@code <service>/<environment>}, each a valid audit event.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
public class DeployAuditTest {

    static final String AUDIT_TOPIC = "lifeguard.audit";
    static final String SERVICE_ACTOR = "service:deploy-service";

    @Test
    void aMutatingCallIsAuditedWithItsCaller() {
        String service = unique("audit-rest");
        TestTokens.as(TestTokens.token("olivia", Set.of("operator"), Set.of("payments"))).contentType(ContentType.JSON)
                .body(Map.of("executor", "manual", "team", "payments"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200);
        JsonNode entry = awaitEntry("olivia", service);
        assertThat(entry.path("actorKind").asText()).isEqualTo("user");
        assertThat(entry.path("action").asText()).startsWith("PUT");
        assertThat(entry.path("outcome").asText()).isEqualTo("succeeded");
    }

    @Test
    void rollbacksExecutedAndSkippedAreAuditedAsTheServicesActions() {
        String service = unique("audit-rollback");
        String v1 = deploy(service, "1.0.0");
        publishVerdict(service, v1, "passed");
        await().atMost(BOUND).until(() -> "STABLE".equals(statusOf(service, v1)));
        String v2 = deploy(service, "2.0.0");
        kafka().send(ROLLBACKS_TOPIC, service + "/production", rollbackRequest(UUID.randomUUID().toString(),
                "rb-" + UUID.randomUUID(), service, v2, "chain-" + service));
        JsonNode executed = awaitAutomatic(service + "/production", "rollback.executed");
        assertThat(executed.path("outcome").asText()).isEqualTo("executed");
        assertThat(executed.path("detail").asText()).contains("2.0.0 -> 1.0.0");

        // asked again for the deployment rolled back already: skipped, and audited so
        kafka().send(ROLLBACKS_TOPIC, service + "/production", rollbackRequest(UUID.randomUUID().toString(),
                "rb-" + UUID.randomUUID(), service, v2, "chain-" + service));
        assertThat(awaitAutomatic(service + "/production", "rollback.skipped").path("outcome").asText())
                .isEqualTo("skipped");
    }

    @Test
    void rolloutsPausedAbortedAndPromotedByTheirAnalysisAreAudited() {
        String paused = unique("audit-paused");
        String v2 = rollingOut(paused, canary(Map.of("setWeight", 20), Map.of("pause", "PT5M"),
                Map.of("setWeight", 100)), "ANALYSING", 1);
        publishStepVerdict(paused, v2, 1, "inconclusive");
        awaitRollout(v2, "PAUSED", 1);
        assertThat(awaitAutomatic(paused + "/production", "rollout.paused").path("detail").asText())
                .contains("paused by analysis");

        String aborted = unique("audit-aborted");
        String a2 = rollingOut(aborted, canary(), "ANALYSING", 1);
        publishStepVerdict(aborted, a2, 1, "failed");
        assertThat(awaitAutomatic(aborted + "/production", "rollout.aborted").path("detail").asText())
                .contains("aborted by analysis");

        String promoted = unique("audit-promoted");
        String p2 = rollingOut(promoted, canary(Map.of("setWeight", 20), Map.of("pause", "PT5M"),
                Map.of("setWeight", 100)), "ANALYSING", 1);
        publishStepVerdict(promoted, p2, 1, "passed");
        awaitPhase(p2, "PROMOTED");
        assertThat(awaitAutomatic(promoted + "/production", "rollout.promoted").path("detail").asText())
                .contains("promoted by steps");
    }

    /** The audit entry (the event's content) the service recorded on its own for {@code target}. */
    public static JsonNode awaitAutomatic(String target, String action) {
        JsonNode entry = awaitEntry(SERVICE_ACTOR, target, action);
        assertThat(entry.path("actorKind").asText()).isEqualTo("service");
        assertThat(entry.path("target").asText()).isEqualTo(target);
        return entry;
    }

    private static JsonNode awaitEntry(String actor, String text) {
        return awaitEntry(actor, text, null);
    }

    /** Waits for an audit event keyed {@code actor} mentioning {@code text} (and {@code action}); checks its contract. */
    private static JsonNode awaitEntry(String actor, String text, String action) {
        ConsumerRecord<String, String> record = kafka().awaitRecord(AUDIT_TOPIC, candidate ->
                actor.equals(candidate.key()) && candidate.value().contains(text)
                        && (action == null || candidate.value().contains("\"action\":\"" + action + "\"")));
        assertThat(EventContract.violations(record.value())).as(record.value()).isEmpty();
        JsonNode content = EventContract.parse(record.value()).at("/data/subject/content");
        assertThat(content.path("actor").asText()).isEqualTo(actor);
        return content;
    }
}
