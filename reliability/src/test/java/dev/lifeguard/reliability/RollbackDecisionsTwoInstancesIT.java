package dev.lifeguard.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.platform.ComponentStatus;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.launcher.platform.ServiceInstance;
import dev.lifeguard.reliability.client.Http;
import dev.lifeguard.reliability.client.Json;
import dev.lifeguard.reliability.client.Kafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly once with two rollback-service instances (issue 9, item 6): two packaged rollback-service processes on one
 * database and one consumer group, the topics they read with several partitions. Every anomaly is delivered twice
 * at once, on partitions of both instances, so both decide on it at the same moment, and once more later; inconclusive
 * verdicts likewise; decisions that wait for approval are approved on both instances at once and on the second
 * instance while the first is killed with kill -9 and restarted. Whatever the interleaving, each failed deployment
 * gets one decision, one {@code decided} per state of it and at most one {@code lifeguard-rollback.requested}
 * (counted by event id: the outbox relays at least once and consumers de-duplicate by id), and nothing is
 * dead-lettered. A decision whose approval deadline passes while both instances run escalates once. The verdict that
 * ends the analysis of every deployment a newer one replaced is no decision.
 */
class RollbackDecisionsTwoInstancesIT {

    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final String GROUP = "lifeguard-rollback-service";
    /** No policy: today's behaviour, roll back at once. */
    private static final String AUTO = "production";
    /** {@code mode: approval}: every decision waits for a person. */
    private static final String GATED = "payments-prod";
    /** {@code onInconclusive: rollback}: an inconclusive verdict rolls back as an anomaly would. */
    private static final String STAGING = "staging";
    /** {@code mode: approval} with a 5 s approval timeout that rolls back. */
    private static final String DEADLINE = "deadline";
    /** {@code onInconclusive: rollback}, for the verdicts of analyses cut short. */
    private static final String REPLACED = "qa";
    private static final String APPROVER = "oncall-alice";
    private static final String STABLE = "1.0.0";
    private static final String NEW = "2.0.0";
    private static final String DECIDED = "decided";
    private static final String REQUESTED = "requested";
    private static final String APPROVAL_REQUESTED = "approval-requested";
    private static final String ESCALATED = "escalated";
    /** What rollback-service reads, and what it writes (every topic has its {@code .dlq}). */
    private static final List<String> CONSUMED = List.of(Topology.DEPLOYMENTS, Topology.ANOMALIES, Topology.ANALYSES);

    @TempDir
    static Path home;

    private static Path root;
    private static Platform platform;
    private static GoldenEvents golden;
    private static ServiceInstance first;
    private static ServiceInstance second;
    private static final Http HTTP = new Http(Duration.ofSeconds(10));
    /** Tokens signed with the platform's key: reads as a viewer, the policies as the platform's admin, answers as the approver. */
    private static Http viewer;
    private static Http admin;
    private static Http approver;
    /** Requests that must be in flight at the same time (the common pool may have one thread on a small machine). */
    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(3);

    /**
     * A service in an environment: v1 (stable, deployment {@code stableId}) then v2 ({@code newId}), whose failure
     * (if it fails) comes as an anomaly or an inconclusive verdict with the event id {@code failureEventId}.
     */
    private record Target(String service, String environment, String chainId, String stableId, String newId,
                          String newEventId, String failureEventId, String anomalyId) {

        static Target of(String service, String environment) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            return new Target(service, environment, UUID.randomUUID().toString(), "d-" + run + "-1",
                    "d-" + run + "-2", UUID.randomUUID().toString(), UUID.randomUUID().toString(), "anomaly-" + run);
        }

        String key() {
            return service + "/" + environment;
        }
    }

    @BeforeAll
    static void startTwoRollbackServices() {
        root = Paths.get(System.getProperty("lifeguard.root", "..")).toAbsolutePath().normalize();
        golden = new GoldenEvents(root);
        PlatformSettings settings = PlatformSettings.defaults(root).withHome(home)
                .withServices(EnumSet.of(LifeguardService.ROLLBACK))
                .withInstances(LifeguardService.ROLLBACK, 2)
                // both instances look for approvals past their deadline every second: they race for each one
                .withServiceEnvironment(Map.of("LIFEGUARD_ROLLBACK_APPROVAL_CHECK_INTERVAL", "1s"))
                .withEphemeralPorts();
        platform = Platform.start(settings, System.out::println).stopOnJvmExit();
        Credentials credentials = platform.credentials();
        viewer = HTTP.as(credentials.supplier("it", Roles.VIEWER));
        admin = HTTP.as(credentials.supplier("it", Roles.ADMIN));
        approver = HTTP.as(credentials.supplier(APPROVER, Roles.OPERATOR));
        first = platform.instances().get(0);
        second = platform.instances().get(1);
    }

    @AfterAll
    static void stopPlatform() throws IOException {
        CLIENTS.shutdownNow();
        if (platform != null) {
            platform.stop();
            Path kept = Paths.get("target", "rollback-two-instances-it-logs").toAbsolutePath();
            Files.createDirectories(kept);
            try (Stream<Path> logs = Files.list(platform.settings().logsDirectory())) {
                for (Path log : logs.toList()) {
                    Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.out.println("instance logs kept in " + kept);
            assertThat(Platform.status(platform.settings()))
                    .allSatisfy(component -> assertThat(component.state()).isEqualTo(ComponentStatus.State.STOPPED));
        }
    }

    @Test
    void duplicatedAnomaliesAndVerdictsTwoInstancesAndAKill9GiveOneDecisionAndOneRequestPerFailedDeployment()
            throws Exception {
        List<Target> auto = targets("twin-auto", AUTO, 4);
        List<Target> gated = targets("twin-gated", GATED, 4);
        List<Target> inconclusive = targets("twin-verdict", STAGING, 3);
        List<Target> healthy = targets("twin-healthy", AUTO, 2);
        List<Target> all = Stream.of(auto, gated, inconclusive, healthy).flatMap(List::stream).toList();

        assertThat(put(first, "/api/v1/policies/environments/" + GATED, "{\"mode\":\"approval\"}")
                .status()).isEqualTo(201);
        assertThat(put(first, "/api/v1/policies/environments/" + STAGING,
                "{\"onInconclusive\":\"rollback\"}").status()).isEqualTo(201);
        assertThat(get(second, "/api/v1/policies/effective?service=twin-gated-1&environment=" + GATED).json()
                .path("mode").asText()).as("a policy PUT on one instance is the other's too").isEqualTo("approval");

        try (Admin admin = Kafka.admin(platform.kafkaBootstrapServers());
             KafkaProducer<String, String> producer = Kafka.producer(platform.kafkaBootstrapServers(), "twin-it")) {
            Map<String, List<Integer>> anomalyPartitions = partitionsOfBothInstances(admin, Topology.ANOMALIES);
            Map<String, List<Integer>> verdictPartitions = partitionsOfBothInstances(admin, Topology.ANALYSES);

            for (Target target : all) {
                deploy(producer, target);
            }
            // each anomaly twice at once, on a partition of each instance: both decide on it at the same moment
            for (Target target : concat(auto, gated)) {
                sendToBoth(producer, Topology.ANOMALIES, anomalyPartitions, target.key(), anomaly(target,
                        target.failureEventId(), target.anomalyId()));
            }
            // a verdict is decided at once with what is known of the deployment: its deployment must be known
            awaitConsumed(admin, List.of(Topology.DEPLOYMENTS));
            for (Target target : inconclusive) {
                sendToBoth(producer, Topology.ANALYSES, verdictPartitions, target.key(), verdict(target));
            }

            await("every failed deployment decided").atMost(SETTLE).untilAsserted(() -> {
                assertThat(decisionStates(second, AUTO)).containsAllEntriesOf(states(auto, "ROLL_BACK"));
                assertThat(decisionStates(second, GATED)).containsAllEntriesOf(states(gated, "AWAITING_APPROVAL"));
                assertThat(decisionStates(second, STAGING)).containsAllEntriesOf(states(inconclusive, "ROLL_BACK"));
            });
            Map<String, String> gatedIds = decisionIds(second, GATED);

            // one approval sent to both instances at once: one settles it, the other finds it settled
            for (Target target : gated.subList(0, 2)) {
                String id = gatedIds.get(target.newId());
                CompletableFuture<Optional<Http.Response>> onFirst = approveAsync(first, id);
                CompletableFuture<Optional<Http.Response>> onSecond = approveAsync(second, id);
                for (Optional<Http.Response> answer : List.of(onFirst.get(30, TimeUnit.SECONDS),
                        onSecond.get(30, TimeUnit.SECONDS))) {
                    assertThat(answer).as("approval of " + id).isPresent();
                    assertThat(answer.get().status()).as(answer.get().body()).isEqualTo(200);
                    assertThat(answer.get().json().path("decision").asText()).isEqualTo("APPROVED");
                }
            }

            // later: every anomaly and verdict once more, and a second anomaly (another id) of each auto deployment,
            // while the first instance is killed in the middle of an approval and of consuming them
            for (Target target : concat(auto, gated)) {
                send(producer, Topology.ANOMALIES, null, target.key(), anomaly(target, target.failureEventId(),
                        target.anomalyId()));
            }
            for (Target target : auto) {
                send(producer, Topology.ANOMALIES, null, target.key(), anomaly(target, UUID.randomUUID().toString(),
                        target.anomalyId() + "-again"));
            }
            for (Target target : inconclusive) {
                send(producer, Topology.ANALYSES, null, target.key(), verdict(target));
            }
            String interrupted = gatedIds.get(gated.get(2).newId());
            CompletableFuture<Optional<Http.Response>> cutOff = approveAsync(first, interrupted);
            platform.kill(first);
            Optional<Http.Response> cutOffAnswer = cutOff.get(30, TimeUnit.SECONDS);
            if (cutOffAnswer.isPresent()) {
                assertThat(cutOffAnswer.get().status()).as(cutOffAnswer.get().body()).isEqualTo(200);
            }

            // the person tries again on the instance that is left
            Http.Response approved = post(second, "/api/v1/rollbacks/" + interrupted + "/approve", approval());
            assertThat(approved.status()).as(approved.body()).isEqualTo(200);
            assertThat(approved.json().path("decision").asText()).isEqualTo("APPROVED");
            String rejectedId = gatedIds.get(gated.get(3).newId());
            Http.Response rejected = post(second, "/api/v1/rollbacks/" + rejectedId + "/reject",
                    "{\"reason\":\"the error rate is the load test's\"}");
            assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
            assertThat(rejected.json().path("decision").asText()).isEqualTo("REJECTED");

            platform.startMissing();

            // settled once: the same answer again is the same decision, the opposite one a conflict
            Http.Response again = post(first, "/api/v1/rollbacks/" + gatedIds.get(gated.get(0).newId()) + "/approve",
                    approval());
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(again.json().path("decision").asText()).isEqualTo("APPROVED");
            Http.Response approveRejected = post(first, "/api/v1/rollbacks/" + rejectedId + "/approve", approval());
            assertThat(approveRejected.status()).as(approveRejected.body()).isEqualTo(409);
            assertThat(approveRejected.json().path("field").asText()).isEqualTo("decision");
            Http.Response rejectApproved = post(first, "/api/v1/rollbacks/" + interrupted + "/reject",
                    "{\"reason\":\"changed my mind\"}");
            assertThat(rejectApproved.status()).as(rejectApproved.body()).isEqualTo(409);

            awaitQuiet(admin);
        }

        // one decision per failed deployment, in its final state; none for a healthy one or for any v1
        Map<String, List<JsonNode>> decisions = decisionsByDeployment(first, AUTO, GATED, STAGING);
        Map<String, String> expectedStates = new LinkedHashMap<>();
        expectedStates.putAll(states(auto, "ROLL_BACK"));
        expectedStates.putAll(states(gated.subList(0, 3), "APPROVED"));
        expectedStates.putAll(states(gated.subList(3, 4), "REJECTED"));
        expectedStates.putAll(states(inconclusive, "ROLL_BACK"));
        assertThat(decisions.keySet()).as("decided deployments").containsExactlyInAnyOrderElementsOf(
                expectedStates.keySet());
        decisions.forEach((deployment, rows) -> {
            assertThat(rows).as("decisions of " + deployment).hasSize(1);
            assertThat(rows.get(0).path("decision").asText()).as(deployment).isEqualTo(expectedStates.get(deployment));
            assertThat(rows.get(0).path("toVersion").asText()).as(deployment).isEqualTo(STABLE);
        });
        for (Target target : gated) {
            JsonNode approval = decisions.get(target.newId()).get(0).path("approval");
            assertThat(approval.path("settledBy").asText()).as(target.service()).isEqualTo(APPROVER);
            assertThat(approval.hasNonNull("settledAt")).as(target.service()).isTrue();
        }
        for (Target target : inconclusive) {
            assertThat(decisions.get(target.newId()).get(0).path("trigger").asText()).isEqualTo("verdict");
        }

        // on lifeguard.rollbacks: one decided per state, one request per rolled-back deployment, nothing else
        RollbackEvents events = rollbackEvents();
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (Target target : concat(auto, inconclusive)) {
            expected.put(target.newId(), List.of(DECIDED + ":ROLL_BACK", REQUESTED + ":ROLL_BACK"));
        }
        for (Target target : gated.subList(0, 3)) {
            expected.put(target.newId(), List.of(DECIDED + ":AWAITING_APPROVAL", APPROVAL_REQUESTED,
                    DECIDED + ":APPROVED", REQUESTED + ":APPROVED"));
        }
        expected.put(gated.get(3).newId(), List.of(DECIDED + ":AWAITING_APPROVAL", APPROVAL_REQUESTED,
                DECIDED + ":REJECTED"));
        for (Target target : all) {
            String deployment = target.newId();
            assertThat(events.labels(deployment)).as("events of " + target.service() + " " + deployment)
                    .containsExactlyInAnyOrderElementsOf(expected.getOrDefault(deployment, List.of()));
            assertThat(events.labels(target.stableId())).as("events of v1 of " + target.service()).isEmpty();
            if (expected.containsKey(deployment)) {
                assertThat(events.subjects(deployment)).as("every event of " + deployment + " is about its decision")
                        .containsExactly(decisions.get(deployment).get(0).path("id").asText());
            }
        }
        assertThat(deadLetters()).as("dead letters").isEmpty();
        System.out.printf("lifeguard.rollbacks: %d events, %d records (re-sent copies of one event: %d)%n",
                events.distinct(), events.records(), events.records() - events.distinct());
    }

    @Test
    void anApprovalDeadlinePassingWithTwoInstancesRunningEscalatesOnce() throws Exception {
        assertThat(put(first, "/api/v1/policies/environments/" + DEADLINE,
                "{\"mode\":\"approval\",\"approvalTimeout\":\"5s\",\"onApprovalTimeout\":\"rollback\","
                        + "\"escalationTeam\":\"sre-oncall\"}").status()).isEqualTo(201);
        Target target = Target.of("twin-deadline", DEADLINE);
        try (Admin admin = Kafka.admin(platform.kafkaBootstrapServers());
             KafkaProducer<String, String> producer = Kafka.producer(platform.kafkaBootstrapServers(), "twin-it")) {
            Map<String, List<Integer>> anomalyPartitions = partitionsOfBothInstances(admin, Topology.ANOMALIES);
            deploy(producer, target);
            sendToBoth(producer, Topology.ANOMALIES, anomalyPartitions, target.key(), anomaly(target,
                    target.failureEventId(), target.anomalyId()));

            await("the approval times out on one of the instances").atMost(SETTLE).untilAsserted(() ->
                    assertThat(decisionStates(second, DEADLINE)).containsEntry(target.newId(), "ROLL_BACK"));
            awaitQuiet(admin);
        }

        List<JsonNode> decisions = decisionsByDeployment(second, DEADLINE).get(target.newId());
        assertThat(decisions).hasSize(1);
        JsonNode approval = decisions.get(0).path("approval");
        assertThat(approval.path("settledBy").asText()).isEqualTo("timeout");
        assertThat(approval.hasNonNull("escalatedAt")).isTrue();
        RollbackEvents events = rollbackEvents();
        assertThat(events.labels(target.newId())).containsExactlyInAnyOrder(DECIDED + ":AWAITING_APPROVAL",
                APPROVAL_REQUESTED, ESCALATED, DECIDED + ":ROLL_BACK", REQUESTED + ":ROLL_BACK");
        assertThat(events.of(target.newId(), ESCALATED)).singleElement().satisfies(escalated -> {
            assertThat(escalated.at("/data/subject/content/escalatedBecause").asText()).isEqualTo("approval-timeout");
            assertThat(escalated.at("/data/subject/content/escalationTeam").asText()).isEqualTo("sre-oncall");
        });
        assertThat(deadLetters()).as("dead letters").isEmpty();
    }

    /**
     * monitor-service ends the running analysis of every deployment a newer one replaces with an inconclusive verdict
     * ({@code endedBy superseded}): that judges nothing that runs, so it is no decision, not even with
     * {@code onInconclusive: rollback} (else every ordinary deployment would leave a SKIPPED decision and its
     * {@code decided} event behind).
     */
    @Test
    void theVerdictOfAnAnalysisANewerDeploymentCutShortIsNoDecision() throws Exception {
        assertThat(put(first, "/api/v1/policies/environments/" + REPLACED,
                "{\"onInconclusive\":\"rollback\"}").status()).isEqualTo(201);
        Target target = Target.of("twin-replaced", REPLACED);
        try (Admin admin = Kafka.admin(platform.kafkaBootstrapServers());
             KafkaProducer<String, String> producer = Kafka.producer(platform.kafkaBootstrapServers(), "twin-it")) {
            Map<String, List<Integer>> verdictPartitions = partitionsOfBothInstances(admin, Topology.ANALYSES);
            deploy(producer, target);
            awaitConsumed(admin, List.of(Topology.DEPLOYMENTS));
            sendToBoth(producer, Topology.ANALYSES, verdictPartitions, target.key(),
                    supersededVerdict(target, UUID.randomUUID().toString()));
            awaitQuiet(admin);
        }
        assertThat(decisionsByDeployment(second, REPLACED)).as("decisions in " + REPLACED)
                .doesNotContainKeys(target.stableId(), target.newId());
        assertThat(rollbackEvents().labels(target.stableId())).as("events about v1").isEmpty();
    }

    // --- the inputs --------------------------------------------------------------------------------------------

    private static List<Target> targets(String prefix, String environment, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(n -> Target.of(prefix + "-" + n, environment))
                .toList();
    }

    /** v1 deployed, then v2 upgrading it: in order, on the target's partition, as deploy-service publishes them. */
    private static void deploy(KafkaProducer<String, String> producer, Target target) throws Exception {
        send(producer, Topology.DEPLOYMENTS, null, target.key(), golden.deployed(UUID.randomUUID().toString(),
                target.chainId(), target.service(), target.environment(), target.stableId(), STABLE));
        send(producer, Topology.DEPLOYMENTS, null, target.key(), golden.upgraded(target.newEventId(),
                target.chainId(), target.service(), target.environment(), target.newId(), NEW, STABLE));
    }

    private static String anomaly(Target target, String eventId, String anomalyId) {
        return golden.anomaly(eventId, target.chainId(), target.newEventId(), anomalyId, target.service(),
                target.environment(), target.newId(), NEW);
    }

    /** v2's full-traffic analysis ended with its window, unable to judge: the policy's onInconclusive decides. */
    private static String verdict(Target target) {
        return golden.inconclusiveVerdict(target.failureEventId(), target.chainId(), target.newEventId(),
                target.service(), target.environment(), target.newId(), NEW, STABLE, "window",
                "latency_p99: 2 intervals in the window, the canary detector needs 3");
    }

    /**
     * v1's analysis cut short by v2, as monitor-service ends every replaced deployment's analysis: no judgement of
     * anything that runs, so no decision.
     */
    private static String supersededVerdict(Target target, String eventId) {
        return golden.inconclusiveVerdict(eventId, target.chainId(), target.newEventId(), target.service(),
                target.environment(), target.stableId(), STABLE, null, "superseded", "superseded by deployment "
                        + target.newId() + " (" + NEW + ") before its window closed");
    }

    /** The same record on a partition of each instance. */
    private static void sendToBoth(KafkaProducer<String, String> producer, String topic,
                                   Map<String, List<Integer>> partitions, String key, String value) throws Exception {
        for (List<Integer> owned : partitions.values()) {
            send(producer, topic, owned.get(0), key, value);
        }
    }

    private static void send(KafkaProducer<String, String> producer, String topic, Integer partition, String key,
                             String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, key, value)).get(30, TimeUnit.SECONDS);
    }

    // --- the consumer group ------------------------------------------------------------------------------------

    /**
     * The partitions of {@code topic} each instance consumes, once both have some: each instance's channel is a
     * static member named {@code <instance>-<channel>}, the channel named like the topic.
     */
    private static Map<String, List<Integer>> partitionsOfBothInstances(Admin admin, String topic) {
        String channel = topic.substring(topic.indexOf('.') + 1);
        Map<String, List<Integer>> owned = new LinkedHashMap<>();
        await("both instances consume " + topic).atMost(SETTLE).untilAsserted(() -> {
            owned.clear();
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all()
                    .get(10, TimeUnit.SECONDS).get(GROUP);
            for (ServiceInstance instance : List.of(first, second)) {
                String member = instance.componentName() + "-" + channel;
                List<Integer> partitions = group.members().stream()
                        .filter(description -> member.equals(description.groupInstanceId().orElse(null)))
                        .flatMap(description -> description.assignment().topicPartitions().stream())
                        .filter(partition -> partition.topic().equals(topic)).map(TopicPartition::partition)
                        .sorted().toList();
                owned.put(instance.componentName(), partitions);
            }
            assertThat(owned.values()).as("partitions of %s per instance: %s", topic, owned)
                    .allSatisfy(partitions -> assertThat(partitions).isNotEmpty());
        });
        System.out.println(topic + " partitions per instance: " + owned);
        return Map.copyOf(owned);
    }

    /** Every record on the topics committed by the group: handled, with what it caused committed before. */
    private static void awaitConsumed(Admin admin, List<String> topics) {
        await("rollback-service consumed " + topics).atMost(SETTLE)
                .untilAsserted(() -> assertThat(unconsumed(admin, topics)).as("unconsumed records").isZero());
    }

    private static long unconsumed(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().forEach(topic ->
                topic.partitions().forEach(partition ->
                        latest.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long behind = 0;
        for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            behind += Math.max(0, end.getValue().offset() - (offset == null ? 0 : offset.offset()));
        }
        return behind;
    }

    /** Nothing left to consume and nothing left in the outbox: no event can still come. */
    private static void awaitQuiet(Admin admin) {
        await("every input consumed and every event published").atMost(SETTLE).untilAsserted(() -> {
            assertThat(unconsumed(admin, CONSUMED)).as("unconsumed records").isZero();
            assertThat(get(second, "/api/v1/outbox").json()).as("outbox rows not sent yet").isEmpty();
        });
    }

    // --- what the instances say --------------------------------------------------------------------------------

    private static Http.Response get(ServiceInstance instance, String path) {
        return viewer.get(instance.url() + path).orElseThrow(() -> new AssertionError(instance.componentName()
                + " did not answer GET " + path));
    }

    private static Http.Response put(ServiceInstance instance, String path, String body) {
        return admin.put(instance.url() + path, body).orElseThrow(() -> new AssertionError(instance.componentName()
                + " did not answer PUT " + path));
    }

    private static Http.Response post(ServiceInstance instance, String path, String body) {
        return approver.post(instance.url() + path, body).orElseThrow(() -> new AssertionError(instance.componentName()
                + " did not answer POST " + path));
    }

    private static String approval() {
        // who approves is the token's subject (APPROVER): the body names no actor
        return "{\"reason\":\"the error rate is real\"}";
    }

    private static CompletableFuture<Optional<Http.Response>> approveAsync(ServiceInstance instance, String id) {
        return CompletableFuture.supplyAsync(() -> approver.post(instance.url() + "/api/v1/rollbacks/" + id + "/approve",
                approval()), CLIENTS);
    }

    /** Every decision of the environments, by deployment. */
    private static Map<String, List<JsonNode>> decisionsByDeployment(ServiceInstance instance, String... environments) {
        Map<String, List<JsonNode>> decisions = new LinkedHashMap<>();
        for (String environment : environments) {
            Http.Response response = get(instance, "/api/v1/rollbacks?limit=1000&environment=" + environment);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            for (JsonNode row : response.json()) {
                decisions.computeIfAbsent(row.path("deploymentId").asText(), ignored -> new ArrayList<>()).add(row);
            }
        }
        return decisions;
    }

    private static Map<String, String> decisionStates(ServiceInstance instance, String environment) {
        Map<String, String> states = new HashMap<>();
        decisionsByDeployment(instance, environment).forEach((deployment, rows) ->
                states.put(deployment, rows.get(0).path("decision").asText()));
        return states;
    }

    private static Map<String, String> decisionIds(ServiceInstance instance, String environment) {
        Map<String, String> ids = new HashMap<>();
        decisionsByDeployment(instance, environment).forEach((deployment, rows) ->
                ids.put(deployment, rows.get(0).path("id").asText()));
        return ids;
    }

    private static Map<String, String> states(List<Target> targets, String state) {
        Map<String, String> states = new LinkedHashMap<>();
        targets.forEach(target -> states.put(target.newId(), state));
        return states;
    }

    @SafeVarargs
    private static List<Target> concat(List<Target>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }

    // --- the topics --------------------------------------------------------------------------------------------

    /** The events on {@code lifeguard.rollbacks}, read committed, each once however often the outbox relayed it. */
    private record RollbackEvents(Map<String, JsonNode> byId, int records) {

        int distinct() {
            return byId.size();
        }

        private Stream<JsonNode> ofDeployment(String deploymentId) {
            return byId.values().stream()
                    .filter(event -> deploymentId.equals(event.at("/data/subject/content/deploymentId").asText()));
        }

        /** {@code decided:<decision>}, {@code requested:<decision>}, or the short type of any other event. */
        List<String> labels(String deploymentId) {
            return ofDeployment(deploymentId).map(event -> {
                String type = shortType(event);
                return type.equals(DECIDED) || type.equals(REQUESTED)
                        ? type + ":" + event.at("/data/subject/content/decision").asText() : type;
            }).toList();
        }

        Set<String> subjects(String deploymentId) {
            Set<String> subjects = new LinkedHashSet<>();
            ofDeployment(deploymentId).forEach(event -> subjects.add(event.at("/data/subject/id").asText()));
            return subjects;
        }

        List<JsonNode> of(String deploymentId, String shortType) {
            return ofDeployment(deploymentId).filter(event -> shortType.equals(shortType(event))).toList();
        }

        /** {@code dev.cdeventsx.lifeguard-rollback.decided.0.1.0} → {@code decided} */
        private static String shortType(JsonNode event) {
            String type = event.path("type").asText();
            String withoutPrefix = type.substring(type.indexOf("lifeguard-rollback.") + "lifeguard-rollback.".length());
            return withoutPrefix.substring(0, withoutPrefix.indexOf('.'));
        }
    }

    private static RollbackEvents rollbackEvents() {
        List<ConsumerRecord<String, String>> records = readWhole(List.of(Topology.ROLLBACKS));
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            JsonNode event = Json.read(record.value());
            assertThat(event.path("type").asText()).as("a rollback-service event: " + record.value())
                    .startsWith("dev.cdeventsx.lifeguard-rollback.");
            byId.putIfAbsent(event.path("id").asText(), event);
        }
        return new RollbackEvents(byId, records.size());
    }

    /** Every record of the {@code .dlq} of each topic rollback-service reads or writes: its reason and value. */
    private static List<String> deadLetters() {
        List<String> dlqs = Stream.concat(CONSUMED.stream(), Stream.of(Topology.ROLLBACKS))
                .map(Topology::deadLetterTopic).toList();
        return readWhole(dlqs).stream().map(record -> record.topic() + " (" + header(record, "dead-letter-reason")
                + "): " + record.value()).toList();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Every record of the topics, read committed, from the beginning to the end offsets of now. */
    private static List<ConsumerRecord<String, String>> readWhole(List<String> topics) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = Kafka.reader(platform.kafkaBootstrapServers(), "twin-it-reader")) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            await("read " + topics + " to the end").atMost(SETTLE).pollInSameThread().until(() -> {
                consumer.poll(Kafka.pollTimeout()).forEach(records::add);
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= end.get(partition));
            });
        }
        return records;
    }
}
