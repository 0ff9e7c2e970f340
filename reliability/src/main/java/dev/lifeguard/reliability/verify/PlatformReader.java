package dev.lifeguard.reliability.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.reliability.Topology;
import dev.lifeguard.reliability.client.Http;
import dev.lifeguard.reliability.client.Json;
import dev.lifeguard.reliability.client.Kafka;
import dev.lifeguard.reliability.fault.MalformedRecords;
import dev.lifeguard.reliability.workload.Target;
import dev.lifeguard.reliability.webhook.WebhookRecorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads an {@link Observation} from the running platform, through the same doors a team uses. */
final class PlatformReader implements AutoCloseable {

    private static final int LIST_LIMIT = 1000;
    private static final Duration DLQ_READ_BOUND = Duration.ofSeconds(30);
    private static final Duration TOPIC_READ_BOUND = Duration.ofSeconds(30);
    private static final int READERS = 4;

    private final Platform platform;
    private final Http http;
    private final String servicePrefix;
    private final Pattern markerPattern;
    private final WebhookRecorder webhook;
    private final ExecutorService pool = Executors.newFixedThreadPool(READERS, runnable -> {
        Thread thread = new Thread(runnable, "chaos-verify");
        thread.setDaemon(true);
        return thread;
    });

    PlatformReader(Platform platform, Http http, String runId, WebhookRecorder webhook) {
        this.platform = platform;
        this.http = http;
        this.servicePrefix = "svc-" + runId + "-";
        this.markerPattern = Pattern.compile("chaos-" + Pattern.quote(runId) + "-m\\d+");
        this.webhook = webhook;
    }

    /** Reads the given targets (the others are taken from {@code known}) and everything platform-wide. */
    Observation observe(Collection<String> targets, Map<String, Observation.TargetView> known) {
        Map<String, Map<String, List<JsonNode>>> lists = new HashMap<>();
        lists.put("rollbacks", byService(LifeguardService.DEPLOY, "/api/v1/rollbacks?limit=" + LIST_LIMIT, targets));
        lists.put("decisions", byService(LifeguardService.ROLLBACK, "/api/v1/rollbacks?limit=" + LIST_LIMIT, targets));
        lists.put("anomalies", byService(LifeguardService.MONITOR, "/api/v1/anomalies", targets));
        lists.put("incidents", byService(LifeguardService.POSTMORTEM, "/api/v1/incidents", targets));
        Map<String, List<Observation.Verdict>> verdicts = targets.isEmpty() ? Map.of() : verdicts();
        Map<String, Future<Observation.TargetView>> reads = new LinkedHashMap<>();
        for (String service : targets) {
            List<Observation.Verdict> ofTarget = verdicts.getOrDefault(service, List.of());
            reads.put(service, pool.submit(() -> readTarget(service, lists, ofTarget)));
        }
        Map<String, Observation.TargetView> views = new HashMap<>(known);
        reads.forEach((service, read) -> views.put(service, await(read)));
        Map<String, Integer> pending = new LinkedHashMap<>();
        Map<String, List<String>> parked = new LinkedHashMap<>();
        for (LifeguardService service : LifeguardService.values()) {
            pending.put(service.moduleName(), outboxRows(service, "").map(List::size).orElse(-1));
            parked.put(service.moduleName(), outboxRows(service, "&status=parked").orElse(null));
        }
        return new Observation(views, deadLetters(), pending, parked, pendingDeliveries(), lag(), webhook.posts());
    }

    private Observation.TargetView readTarget(String service, Map<String, Map<String, List<JsonNode>>> lists,
                                              List<Observation.Verdict> verdicts) {
        String encoded = Http.encode(service);
        Optional<Http.Response> deploy = answer(LifeguardService.DEPLOY,
                "/api/v1/services/" + encoded + "/environments/" + Target.ENVIRONMENT);
        // the target's analyses, newest first; empty before its first deployment was analysed
        Optional<Http.Response> monitor = answer(LifeguardService.MONITOR,
                "/api/v1/analyses?service=" + encoded + "&environment=" + Target.ENVIRONMENT);
        if (deploy.isEmpty() || monitor.isEmpty()) {
            return Observation.TargetView.unreachable();
        }
        JsonNode state = deploy.get().status() == 200 ? deploy.get().json() : Json.read("{}");
        List<Observation.Deployment> history = new ArrayList<>();
        for (JsonNode deployment : state.path("history")) {
            history.add(new Observation.Deployment(deployment.path("version").asText(),
                    deployment.path("status").asText(), deployment.path("chainId").asText()));
        }
        // the newest deployment's own analysis: one with a rollbackId judges a version a rollback restored, again
        JsonNode analysis = null;
        if (monitor.get().status() == 200) {
            for (JsonNode row : monitor.get().json()) {
                if (!row.hasNonNull("rollbackId")) {
                    analysis = row;
                    break;
                }
            }
        }
        List<JsonNode> rollbacks = perTarget(lists.get("rollbacks"), service, LifeguardService.DEPLOY,
                "/api/v1/rollbacks?service=" + encoded);
        List<JsonNode> decisions = perTarget(lists.get("decisions"), service, LifeguardService.ROLLBACK,
                "/api/v1/rollbacks?service=" + encoded);
        List<JsonNode> anomalies = perTarget(lists.get("anomalies"), service, LifeguardService.MONITOR,
                "/api/v1/anomalies?service=" + encoded);
        List<JsonNode> incidents = perTarget(lists.get("incidents"), service, LifeguardService.POSTMORTEM,
                "/api/v1/incidents?service=" + encoded);
        return new Observation.TargetView(true,
                textOrNull(state.path("currentVersion")), textOrNull(state.path("lastChange")), List.copyOf(history),
                analysis == null ? null : textOrNull(analysis.path("version")),
                analysis == null ? null : textOrNull(analysis.path("status")),
                analysis == null ? 0 : analysis.path("samples").asLong(),
                (int) rollbacks.stream().filter(row -> "EXECUTED".equals(row.path("outcome").asText())).count(),
                rollbacks.stream().map(row -> row.path("outcome").asText() + (row.hasNonNull("outcomeDetail")
                        && !"EXECUTED".equals(row.path("outcome").asText())
                        ? ": " + row.path("outcomeDetail").asText() : "")).toList(),
                decisions.stream().map(row -> row.path("decision").asText()).toList(),
                anomalies.size(),
                incidents.stream().map(row -> row.path("status").asText() + " " + row.path("triggerVersion").asText()
                        + "→" + row.path("restoredVersion").asText()).toList(),
                verdicts);
    }

    /**
     * Every verdict on {@code lifeguard.analyses} about this run's targets, read committed from the beginning to
     * the end offsets of now, by target service. Records that are not verdicts (the suite's poison) are skipped.
     */
    private Map<String, List<Observation.Verdict>> verdicts() {
        Map<String, List<Observation.Verdict>> verdicts = new HashMap<>();
        for (ConsumerRecord<String, String> record : readWhole(Topology.ANALYSES, "chaos-verdict-reader")) {
            String key = record.key() == null ? "" : record.key();
            if (!key.startsWith(servicePrefix)) {
                continue;
            }
            JsonNode event;
            try {
                event = Json.read(record.value());
            } catch (RuntimeException e) {
                continue;
            }
            JsonNode content = event.at("/data/subject/content");
            verdicts.computeIfAbsent(key.substring(0, key.indexOf('/') < 0 ? key.length() : key.indexOf('/')),
                    ignored -> new ArrayList<>()).add(new Observation.Verdict(event.path("id").asText(),
                    content.path("deploymentId").asText(), content.path("version").asText(),
                    content.path("outcome").asText(), content.path("endedBy").asText(),
                    content.hasNonNull("rollbackId") ? content.get("rollbackId").asText() : null));
        }
        return verdicts;
    }

    /** Every record of a topic, read committed from the beginning to the (last stable) end offsets of now. */
    private List<ConsumerRecord<String, String>> readWhole(String topic, String clientId) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = Kafka.reader(platform.kafkaBootstrapServers(), clientId)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            Instant until = Instant.now().plus(TOPIC_READ_BOUND);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (Instant.now().isAfter(until)) {
                    throw new IllegalStateException("could not read " + topic + " to its end within "
                            + TOPIC_READ_BOUND.toSeconds() + " s");
                }
                consumer.poll(Kafka.pollTimeout()).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * A list endpoint's rows of this run's targets, by service; null when it could not be read whole (no instance
     * answered, or the page was full), in which case each target is asked for its own rows.
     */
    private Map<String, List<JsonNode>> byService(LifeguardService service, String path, Collection<String> targets) {
        if (targets.isEmpty()) {
            return Map.of();
        }
        Optional<Http.Response> response = answer(service, path);
        if (response.isEmpty() || response.get().status() != 200) {
            return null;
        }
        JsonNode rows = response.get().json();
        if (!rows.isArray() || rows.size() >= LIST_LIMIT) {
            return null;
        }
        Map<String, List<JsonNode>> grouped = new HashMap<>();
        for (JsonNode row : rows) {
            String target = row.path("service").asText();
            if (target.startsWith(servicePrefix)) {
                grouped.computeIfAbsent(target, ignored -> new ArrayList<>()).add(row);
            }
        }
        return grouped;
    }

    private List<JsonNode> perTarget(Map<String, List<JsonNode>> grouped, String target, LifeguardService service,
                                     String path) {
        if (grouped != null) {
            return grouped.getOrDefault(target, List.of());
        }
        List<JsonNode> rows = new ArrayList<>();
        answer(service, path).filter(response -> response.status() == 200)
                .ifPresent(response -> response.json().forEach(rows::add));
        return rows;
    }

    /** A 200 or 404 from any live instance of the service; empty when none answered. */
    private Optional<Http.Response> answer(LifeguardService service, String path) {
        for (String base : platform.serviceUrls(service)) {
            Optional<Http.Response> response = http.get(base + path);
            if (response.isPresent() && (response.get().status() == 200 || response.get().status() == 404)) {
                return response;
            }
        }
        return Optional.empty();
    }

    /** Rows of a service's outbox ({@code GET /api/v1/outbox}), as "topic key: last error". */
    private Optional<List<String>> outboxRows(LifeguardService service, String statusQuery) {
        return answer(service, "/api/v1/outbox?limit=" + LIST_LIMIT + statusQuery)
                .filter(response -> response.status() == 200)
                .map(response -> {
                    List<String> rows = new ArrayList<>();
                    for (JsonNode row : response.json()) {
                        rows.add(row.path("topic").asText() + " " + row.path("key").asText() + " ("
                                + row.path("eventType").asText() + "): " + row.path("lastError").asText(""));
                    }
                    return rows;
                });
    }

    private int pendingDeliveries() {
        return answer(LifeguardService.NOTIFY, "/api/v1/deliveries?team=" + Target.TEAM + "&status=PENDING&limit="
                + LIST_LIMIT).filter(response -> response.status() == 200).map(response -> response.json().size())
                .orElse(-1);
    }

    /** Every record of every consumed topic's DLQ, read from the beginning to the end offsets of now. */
    private List<Observation.DeadLetter> deadLetters() {
        List<Observation.DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = Kafka.reader(platform.kafkaBootstrapServers(), "chaos-dlq-reader")) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : Topology.consumedTopics()) {
                String dlq = Topology.deadLetterTopic(topic);
                consumer.partitionsFor(dlq, Duration.ofSeconds(10))
                        .forEach(info -> partitions.add(new TopicPartition(dlq, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            Instant until = Instant.now().plus(DLQ_READ_BOUND);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (Instant.now().isAfter(until)) {
                    throw new IllegalStateException("could not read the DLQs to their end within "
                            + DLQ_READ_BOUND.toSeconds() + " s");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Kafka.pollTimeout())) {
                    letters.add(deadLetter(record));
                }
            }
        }
        return letters;
    }

    private Observation.DeadLetter deadLetter(ConsumerRecord<String, String> record) {
        String marker = header(record, MalformedRecords.MARKER_HEADER);
        if (marker == null && record.value() != null) {
            Matcher found = markerPattern.matcher(record.value());
            marker = found.find() ? found.group() : null;
        }
        String dlq = record.topic();
        String origin = Optional.ofNullable(header(record, "dead-letter-topic"))
                .orElse(dlq.substring(0, dlq.length() - Topology.DEAD_LETTER_SUFFIX.length()));
        String value = record.value() == null ? "" : record.value();
        return new Observation.DeadLetter(dlq, origin, header(record, "dead-letter-group"), marker,
                header(record, "dead-letter-reason"), value.length() > 160 ? value.substring(0, 160) + "…" : value);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Per group: the records on the topics it reads that it has not committed yet. Counted as records, not as an
     * offset difference: a transaction's commit marker takes an offset that no consumer ever gets as a record, so a
     * caught-up consumer of a transactional topic (anomalies and verdicts come from the engine's transactions) may
     * have committed an offset just short of the end.
     */
    private Map<String, Long> lag() {
        Map<String, Long> lag = new LinkedHashMap<>();
        try (Admin admin = Kafka.admin(platform.kafkaBootstrapServers());
             KafkaConsumer<String, String> reader = Kafka.reader(platform.kafkaBootstrapServers(), "chaos-lag-reader")) {
            Map<String, TopicDescription> topics = admin.describeTopics(Topology.consumedTopics()).allTopicNames()
                    .get(20, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            topics.values().forEach(topic -> topic.partitions().forEach(partition ->
                    latest.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
            // the last stable offset: what a read-committed consumer can reach now
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(20, TimeUnit.SECONDS);
            for (String group : Topology.groups()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
                long behind = 0;
                for (String topic : Topology.topicsOf(group)) {
                    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
                        if (end.getKey().topic().equals(topic)) {
                            OffsetAndMetadata offset = committed.get(end.getKey());
                            long from = offset == null ? 0 : offset.offset();
                            if (end.getValue().offset() > from) {
                                behind += records(reader, end.getKey(), from, end.getValue().offset());
                            }
                        }
                    }
                }
                lag.put(group, behind);
            }
        } catch (Exception e) {
            Topology.groups().forEach(group -> lag.putIfAbsent(group, -1L));
        }
        return lag;
    }

    /** The records (read committed) between two offsets of a partition; the offset difference when not readable. */
    private static long records(KafkaConsumer<String, String> reader, TopicPartition partition, long from, long to) {
        reader.assign(List.of(partition));
        reader.seek(partition, from);
        long count = 0;
        Instant until = Instant.now().plus(Duration.ofSeconds(10));
        while (reader.position(partition) < to) {
            if (Instant.now().isAfter(until)) {
                return to - from;
            }
            for (ConsumerRecord<String, String> record : reader.poll(Kafka.pollTimeout())) {
                if (record.offset() < to) {
                    count++;
                }
            }
        }
        return count;
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("could not read the platform's state: " + e, e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
