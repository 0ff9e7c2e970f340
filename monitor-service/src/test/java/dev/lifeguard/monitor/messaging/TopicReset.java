package dev.lifeguard.monitor.messaging;

import dev.lifeguard.testsupport.KafkaBrokerResource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Wipes a topic as a broker reset does: deleted together with the consumer group's offsets, and created again
 * empty once the group has let go of it. The topic exists again afterwards whatever happens, so later tests are
 * not affected.
 */
final class TopicReset {

    /** monitor-service's consumer group (both channels), from application.properties. */
    private static final String GROUP = "lifeguard-monitor-service";
    private static final Duration BOUND = Duration.ofSeconds(60);

    private TopicReset() {
    }

    static void recreate(String topic) throws Exception {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            await().atMost(BOUND).until(() -> !admin.listTopics().names().get().contains(topic));
            // A consumer that still held the old partitions could commit its old position into the new topic
            // (the test profile makes it give up on the deleted topic in seconds): wait as a real reset would.
            await().atMost(BOUND).until(() -> !groupHolds(admin, topic));
        } finally {
            await().atMost(BOUND).ignoreExceptions().untilAsserted(() -> {
                KafkaBrokerResource.broker().createTopics(topic);
                try (Admin admin = admin()) {
                    assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
                            .hasSize(3).allSatisfy(partition -> assertThat(partition.leader()).isNotNull());
                }
            });
        }
    }

    /** Whether the group still has offsets committed on the topic or a member assigned to its partitions. */
    private static boolean groupHolds(Admin admin, String topic) throws Exception {
        boolean committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().keySet()
                .stream().anyMatch(partition -> partition.topic().equals(topic));
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
        boolean assigned = group.members().stream().anyMatch(member -> member.assignment().topicPartitions().stream()
                .anyMatch(partition -> partition.topic().equals(topic)));
        return committed || assigned;
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers()));
    }
}
