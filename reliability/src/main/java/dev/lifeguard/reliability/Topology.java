package dev.lifeguard.reliability;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which consumer group reads which topic, as the services configure it (README's service table). A malformed record
 * on a topic must reach {@code <topic>.dlq} once from each of its groups; a caught-up platform has no lag in any.
 */
public final class Topology {

    public static final String CI = "lifeguard.ci";
    public static final String METRICS = "lifeguard.metrics";
    public static final String DEPLOYMENTS = "lifeguard.deployments";
    public static final String ANOMALIES = "lifeguard.anomalies";
    /** monitor-service's verdicts: one per ended analysis, written in the engine's transactions. */
    public static final String ANALYSES = "lifeguard.analyses";
    public static final String ROLLBACKS = "lifeguard.rollbacks";
    public static final String NOTIFICATIONS = "lifeguard.notifications";
    /** Every service's audit trail (issue 10), kept by postmortem-service. */
    public static final String AUDIT = "lifeguard.audit";
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private static final String DEPLOY = "lifeguard-deploy-service";
    /** monitor-service's analysis engine: its Kafka Streams application id is its consumer group. */
    private static final String MONITOR = "lifeguard-monitor-analysis";
    private static final String ROLLBACK = "lifeguard-rollback-service";
    private static final String NOTIFY = "lifeguard-notify-service";
    private static final String POSTMORTEM = "lifeguard-postmortem-service";

    /** Every consumed topic and the groups that read it, in the order of the data flow. */
    public static final Map<String, List<String>> READERS = readers();

    private Topology() {
    }

    private static Map<String, List<String>> readers() {
        Map<String, List<String>> readers = new LinkedHashMap<>();
        readers.put(CI, List.of(DEPLOY));
        readers.put(METRICS, List.of(MONITOR));
        readers.put(DEPLOYMENTS, List.of(MONITOR, ROLLBACK, NOTIFY, POSTMORTEM));
        readers.put(ANOMALIES, List.of(DEPLOY, ROLLBACK, NOTIFY, POSTMORTEM));
        // rollback-service decides on inconclusive full-traffic verdicts (its policy's onInconclusive)
        readers.put(ANALYSES, List.of(DEPLOY, ROLLBACK, NOTIFY, POSTMORTEM));
        readers.put(ROLLBACKS, List.of(DEPLOY, NOTIFY, POSTMORTEM));
        readers.put(NOTIFICATIONS, List.of(POSTMORTEM));
        readers.put(AUDIT, List.of(POSTMORTEM));
        return Collections.unmodifiableMap(readers);
    }

    public static List<String> consumedTopics() {
        return List.copyOf(READERS.keySet());
    }

    public static Set<String> groups() {
        Set<String> groups = new TreeSet<>();
        READERS.values().forEach(groups::addAll);
        return groups;
    }

    /** The topics a group reads. */
    public static List<String> topicsOf(String group) {
        return READERS.entrySet().stream().filter(entry -> entry.getValue().contains(group)).map(Map.Entry::getKey)
                .toList();
    }

    public static String deadLetterTopic(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
