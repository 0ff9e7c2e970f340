package dev.lifeguard.postmortem.messaging;

import dev.lifeguard.postmortem.ChainScenario;
import dev.lifeguard.postmortem.FixRollout;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.lifeguard.postmortem.ReadModelTestClient.WAIT;
import static dev.lifeguard.postmortem.ReadModelTestClient.awaitIncident;
import static dev.lifeguard.postmortem.ReadModelTestClient.awaitTimelineEntry;
import static dev.lifeguard.postmortem.ReadModelTestClient.publish;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rollout events and fix deployments in over Kafka, into the read model on PostgreSQL: each rollout event on its own
 * chain's timeline; a deployment naming the incident (its id, anomaly id or chain id) linked explicitly whenever it
 * comes; otherwise the first deployment of the target after the incident opened (by event time) linked as the
 * candidate; its progress (deployed, verified, failed) on the incident's timeline, in the incident's {@code fixes} and
 * among the post-mortem's action items; redeliveries change nothing.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class FixLinkingTest {

    private static final String GATED = FixRollout.GATED;
    private static final String RELEASED = FixRollout.RELEASED;
    private static final String STEP_STARTED = FixRollout.STEP_STARTED;
    private static final String PROMOTED = FixRollout.PROMOTED;
    private static final String ABORTED = FixRollout.ABORTED;

    @Inject
    EntityManager entityManager;

    @Test
    void explicitFixNamingTheIncidentIsDeployedByItsFirstCanaryStepAndVerifiedByItsPromotion() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.UPGRADED);
        publish(chain, ChainScenario.ANOMALY);
        publish(chain, ChainScenario.ROLLEDBACK);
        String incidentId = awaitIncident(chain, "RESOLVED");
        FixRollout fix = new FixRollout(chain, List.of(incidentId));

        List<String> rollout = List.of(
                fix.event(GATED, "2026-11-26T11:00:00Z"),
                fix.event(RELEASED, "2026-11-26T11:04:00Z"),
                fix.setWeight(0, 10, "2026-11-26T11:04:02Z"),
                fix.event(STEP_STARTED, "2026-11-26T11:04:03Z"),
                fix.event(PROMOTED, "2026-11-26T11:20:00Z"),
                fix.upgraded("2026-11-26T11:20:00Z", true));
        rollout.forEach(event -> publish(chain, "deployments", event));

        awaitFixStatus(incidentId, "verified");
        JsonPath incident = incident(incidentId);
        assertThat(incident.getList("fixes")).hasSize(1);
        assertThat(incident.getString("fixes[0].deploymentId")).isEqualTo(fix.deploymentId);
        assertThat(incident.getString("fixes[0].version")).isEqualTo("2.0.1");
        assertThat(incident.getString("fixes[0].linkedBy")).isEqualTo("explicit");
        assertThat(incident.getString("fixes[0].verifiedBy")).isEqualTo("promotion");
        assertThat(instant(incident.getString("fixes[0].deployedAt"))).isEqualTo(instant("2026-11-26T11:04:02Z"));
        assertThat(instant(incident.getString("fixes[0].verifiedAt"))).isEqualTo(instant("2026-11-26T11:20:00Z"));
        Map<String, String> fixEntries = fixEntries(incident);
        assertThat(fixEntries).containsOnlyKeys("fix-deployed", "fix-verified");
        assertThat(fixEntries.get("fix-deployed")).isEqualTo("Fix deployed: " + chain.service() + " 2.0.1 (deployment "
                + fix.deploymentId + ", named as the fix) took traffic in production");
        assertThat(fixEntries.get("fix-verified")).isEqualTo("Fix verified: " + chain.service() + " 2.0.1 (deployment "
                + fix.deploymentId + ", named as the fix) was promoted to all traffic");
        assertThat(incident.getList("timeline.type", String.class)).endsWith("fix-deployed", "fix-verified");

        // Every rollout event is on the fix's own chain, in words.
        List<Object[]> fixTimeline = fixChainTimeline(fix.chainId, 6);
        assertThat(fixTimeline).extracting(row -> row[0]).containsExactly("rollout-gated", "rollout-released",
                "rollout-step", "rollout-step", "rollout-promoted", "deployment");
        assertThat(fixTimeline).extracting(row -> (String) row[1]).containsSubsequence(
                chain.service() + " 2.0.1 held at the redeploy gate in production: " + chain.service()
                        + "/production was rolled back (rollback rollback-0004): 2.0.1 needs passing test evidence"
                        + " first (required suites: any, no failures)",
                chain.service() + " 2.0.1 canary step 1 of 5 in production: 10% of traffic",
                chain.service() + " 2.0.1 takes all traffic in production, replacing 1.0.0 (every step passed)");

        assertThat(postmortem(incidentId)).contains("- [x] Fix: " + chain.service() + " 2.0.1 (deployment `"
                + fix.deploymentId + "`, linked explicit: named as the fix by its deployment): verified at 2026-11-26"
                + " 11:20:00 UTC (its rollout was promoted to all traffic)\n- [ ] ...\n");
    }

    @Test
    void firstDeploymentOfTheTargetAfterTheIncidentIsTheCandidateFixAndIsVerifiedByItsPassingAnalysis() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.UPGRADED);
        publish(chain, ChainScenario.ANOMALY);
        String incidentId = awaitIncident(chain, "OPEN");
        FixRollout first = new FixRollout(chain, List.of());
        FixRollout second = new FixRollout(chain, List.of());

        publish(chain, "deployments", first.upgraded("2026-11-26T11:00:00Z", false));
        publish(chain, "deployments", second.upgraded("2026-11-26T12:00:00Z", false));
        publish(chain, "analyses", first.analysis("passed", "2026-11-26T11:30:00Z"));

        awaitFixStatus(incidentId, "verified");
        JsonPath incident = incident(incidentId);
        assertThat(incident.getList("fixes.deploymentId")).containsExactly(first.deploymentId);
        assertThat(incident.getString("fixes[0].linkedBy")).isEqualTo("candidate");
        assertThat(incident.getString("fixes[0].verifiedBy")).isEqualTo("analysis");
        assertThat(instant(incident.getString("fixes[0].verifiedAt"))).isEqualTo(instant("2026-11-26T11:30:00Z"));
        assertThat(fixEntries(incident)).containsEntry("fix-verified", "Fix verified: " + chain.service()
                + " 2.0.1 (deployment " + first.deploymentId + ", candidate: the first deployment after the incident)"
                + " passed its analysis").containsKey("fix-deployed");
        assertThat(postmortem(incidentId)).contains("- [x] Fix: " + chain.service() + " 2.0.1 (deployment `"
                + first.deploymentId + "`, linked candidate: the first deployment of " + chain.service()
                + " after the incident): verified at 2026-11-26 11:30:00 UTC (its analysis passed)");
    }

    @Test
    void fixNamingTheAnomalyFailsWhenItsRolloutIsAborted() {
        ChainScenario chain = new ChainScenario();
        String anomalyId = "anomaly-" + UUID.randomUUID();
        publish(chain, "anomalies", chain.event(ChainScenario.ANOMALY).replace("anomaly-0003", anomalyId));
        String incidentId = awaitIncident(chain, "OPEN");
        FixRollout fix = new FixRollout(chain, List.of(anomalyId));

        publish(chain, "deployments", fix.setWeight(0, 10, "2026-11-26T11:04:02Z"));
        publish(chain, "deployments", fix.event(ABORTED, "2026-11-26T11:09:03Z"));

        awaitFixStatus(incidentId, "failed");
        JsonPath incident = incident(incidentId);
        assertThat(incident.getString("fixes[0].linkedBy")).isEqualTo("explicit");
        assertThat(incident.getString("fixes[0].failedBy")).isEqualTo("abort");
        assertThat(incident.getString("fixes[0].failureReason")).startsWith("analysis of step 2 failed: error_rate");
        assertThat(fixEntries(incident)).containsOnlyKeys("fix-deployed", "fix-failed");
        assertThat(fixEntries(incident).get("fix-failed")).startsWith("Fix failed: " + chain.service() + " 2.0.1"
                + " (deployment " + fix.deploymentId + ", named as the fix): its rollout was aborted (analysis of step 2");
        assertThat(postmortem(incidentId)).contains("- [ ] Fix: " + chain.service() + " 2.0.1 (deployment `"
                + fix.deploymentId + "`, linked explicit: named as the fix by its deployment): FAILED at 2026-11-26"
                + " 11:09:03 UTC (its rollout was aborted: analysis of step 2 failed");
        assertThat(fixChainTimeline(fix.chainId, 2)).extracting(row -> row[0])
                .containsExactly("rollout-step", "rollout-aborted");
    }

    @Test
    void fixDeploymentsArrivingBeforeTheIncidentLinkByEventTimeExplicitOnesWheneverTheyCome() {
        ChainScenario explicitChain = new ChainScenario();
        FixRollout earlier = new FixRollout(explicitChain, List.of());
        FixRollout named = new FixRollout(explicitChain, List.of(explicitChain.chainId()));
        awaitTimelineEntry(publish(explicitChain, "deployments", earlier.upgraded("2026-11-26T09:00:00Z", false)));
        awaitTimelineEntry(publish(explicitChain, "deployments", named.setWeight(0, 10, "2026-11-26T09:30:00Z")));
        ChainScenario candidateChain = new ChainScenario();
        FixRollout before = new FixRollout(candidateChain, List.of());
        FixRollout after = new FixRollout(candidateChain, List.of());
        awaitTimelineEntry(publish(candidateChain, "deployments", before.upgraded("2026-11-26T09:00:00Z", false)));
        awaitTimelineEntry(publish(candidateChain, "deployments", after.upgraded("2026-11-26T11:00:00Z", false)));

        publish(explicitChain, ChainScenario.ANOMALY);
        publish(candidateChain, ChainScenario.ANOMALY);

        // Named by its chain: linked though it came (and took traffic) before the incident opened at 10:01:21.
        String explicitIncident = awaitIncident(explicitChain, "OPEN");
        awaitFixStatus(explicitIncident, "deployed");
        assertThat(incident(explicitIncident).getList("fixes.deploymentId")).containsExactly(named.deploymentId);
        assertThat(incident(explicitIncident).getString("fixes[0].linkedBy")).isEqualTo("explicit");
        // Named nothing: only the deployment after the incident opened is its candidate, whatever arrived first.
        String candidateIncident = awaitIncident(candidateChain, "OPEN");
        awaitFixStatus(candidateIncident, "deployed");
        assertThat(incident(candidateIncident).getList("fixes.deploymentId")).containsExactly(after.deploymentId);
        assertThat(incident(candidateIncident).getString("fixes[0].linkedBy")).isEqualTo("candidate");
    }

    @Test
    void anEarlierDeploymentArrivingLateReplacesTheCandidateAndAnExplicitFixReplacesBoth() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.ANOMALY);
        String incidentId = awaitIncident(chain, "OPEN");
        FixRollout later = new FixRollout(chain, List.of());
        FixRollout sooner = new FixRollout(chain, List.of());
        FixRollout named = new FixRollout(chain, List.of(incidentId));

        publish(chain, "deployments", later.upgraded("2026-11-26T12:00:00Z", false));
        await().atMost(WAIT).until(() -> incident(incidentId).getList("fixes.deploymentId")
                .equals(List.of(later.deploymentId)));
        publish(chain, "deployments", sooner.upgraded("2026-11-26T11:00:00Z", false));
        await().atMost(WAIT).until(() -> incident(incidentId).getList("fixes.deploymentId")
                .equals(List.of(sooner.deploymentId)));
        assertThat(incident(incidentId).getList("timeline.summary", String.class))
                .noneMatch(summary -> summary.contains(later.deploymentId));

        publish(chain, "deployments", named.event(GATED, "2026-11-26T13:00:00Z"));

        await().atMost(WAIT).until(() -> incident(incidentId).getList("fixes.deploymentId")
                .equals(List.of(named.deploymentId)));
        JsonPath incident = incident(incidentId);
        assertThat(incident.getString("fixes[0].status")).isEqualTo("linked");
        assertThat(incident.getList("timeline.type", String.class)).doesNotContain("fix-deployed");
        assertThat(postmortem(incidentId)).contains("(deployment `" + named.deploymentId + "`, linked explicit: named"
                + " as the fix by its deployment): linked, not deployed yet");
    }

    @Test
    void canaryFailingItsStepAnalysisIsAnIncidentOfItsOwnWhoseDeploymentIsItsRollout() {
        ChainScenario chain = new ChainScenario();
        FixRollout canary = new FixRollout(chain, List.of());
        publish(chain, "deployments", canary.setWeight(0, 10, "2026-11-26T11:04:02Z"));
        publish(chain, "deployments", canary.event(STEP_STARTED, "2026-11-26T11:04:03Z"));
        publish(chain, "anomalies", canary.anomaly("2026-11-26T11:09:00Z"));
        publish(chain, "deployments", canary.event(ABORTED, "2026-11-26T11:09:03Z"));

        String incidentId = awaitIncident(chain, "OPEN");
        await().atMost(WAIT).until(() -> incident(incidentId).getList("timeline").size() == 4);
        JsonPath incident = incident(incidentId);
        assertThat(incident.getString("triggerVersion")).isEqualTo("2.0.1");
        assertThat(incident.getList("timeline.type", String.class))
                .containsExactly("rollout-step", "rollout-step", "anomaly", "rollout-aborted");
        assertThat(incident.getList("fixes")).as("a canary is not its own fix").isEmpty();
        assertThat(postmortem(incidentId)).contains(
                "The version never took all traffic (no service.deployed/upgraded): the deployment below is its"
                        + " rollout's, deployed at its first traffic.",
                "- Previous version: 1.0.0\n- Deployment: `" + canary.deploymentId + "`\n- Deployed at: 2026-11-26"
                        + " 11:04:02 UTC\n");
    }

    @Test
    void rolloutEventsDeliveredTwiceLinkOnceAndWriteEachEntryOnce() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.ANOMALY);
        String incidentId = awaitIncident(chain, "OPEN");
        FixRollout fix = new FixRollout(chain, List.of(incidentId));
        String setWeight = fix.setWeight(0, 10, "2026-11-26T11:04:02Z");
        String promoted = fix.event(PROMOTED, "2026-11-26T11:20:00Z");

        for (String event : List.of(setWeight, setWeight, promoted, promoted)) {
            publish(chain, "deployments", event);
        }
        // Same key, so same partition: once the marker is in, every redelivery before it was handled.
        awaitTimelineEntry(publish(chain, "deployments", fix.event(RELEASED, "2026-11-26T11:04:00Z")));

        awaitFixStatus(incidentId, "verified");
        JsonPath incident = incident(incidentId);
        assertThat(incident.getList("fixes")).hasSize(1);
        assertThat(incident.getList("timeline.type", String.class))
                .filteredOn(type -> type.startsWith("fix-")).containsExactly("fix-deployed", "fix-verified");
        assertThat(count("SELECT count(*) FROM timeline_entry WHERE event_id = :id",
                ChainScenario.json(setWeight).path("id").asText())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM incident_fix WHERE incident_id = :id", incidentId)).isEqualTo(1);
    }

    private static void awaitFixStatus(String incidentId, String status) {
        await().atMost(WAIT).until(() -> status.equals(incident(incidentId).getString("fixes[0].status")));
    }

    private static JsonPath incident(String incidentId) {
        return given().get("/api/v1/incidents/{id}", incidentId).then().statusCode(200).extract().jsonPath();
    }

    /** The incident's fix entries by type; each type at most once per fix here. */
    private static Map<String, String> fixEntries(JsonPath incident) {
        List<Map<String, Object>> timeline = incident.getList("timeline");
        return timeline.stream().filter(entry -> ((String) entry.get("type")).startsWith("fix-"))
                .collect(Collectors.toMap(entry -> (String) entry.get("type"), entry -> (String) entry.get("summary")));
    }

    private static String postmortem(String incidentId) {
        return given().get("/api/v1/incidents/{id}/postmortem", incidentId).then().statusCode(200).extract().asString();
    }

    private static java.time.Instant instant(String time) {
        return OffsetDateTime.parse(time).toInstant();
    }

    /** (type, summary) of the chain's entries in timeline order, once there are {@code entries} of them. */
    @SuppressWarnings("unchecked")
    private List<Object[]> fixChainTimeline(String chainId, int entries) {
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM timeline_entry WHERE chain_id = :id", chainId)
                == entries);
        return QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                        "SELECT entry_type, summary FROM timeline_entry WHERE chain_id = :id ORDER BY event_time, id")
                .setParameter("id", chainId).getResultList());
    }

    private long count(String sql, String id) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(sql)
                .setParameter("id", id).getSingleResult()).longValue());
    }
}
