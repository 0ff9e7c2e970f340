package dev.lifeguard.testsupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Wipes topics as a broker reset does: deleted, with the consumer group's offsets, and created again empty. It
 * waits for the service's group to let go of the old topics first (a consumer still holding them could carry
 * its old positions over: see the README's known limit), and for the group to read the new ones afterwards.
 * The topics exist again when this returns, whatever happened, so later tests are not affected.
 */
public final class TopicReset {

    private static final Duration BOUND = Duration.ofSeconds(90);

    private TopicReset() {
    }

    /** @param group the service's consumer group, which reads the topics */
    public static void recreate(String group, String... topics) {
        List<String> names = List.of(topics);
        try (Admin admin = admin()) {
            try {
                admin.deleteTopics(names).all().get(30, TimeUnit.SECONDS);
                await("deleted").atMost(BOUND).until(() -> names.stream().noneMatch(exists(admin)::contains));
                await("the group lets go of the deleted topics").atMost(BOUND).until(() -> !holds(admin, group, names));
            } finally {
                await("created again").atMost(BOUND).ignoreExceptions().until(() -> {
                    KafkaBrokerResource.broker().createTopics(topics);
                    return exists(admin).containsAll(names) && admin.describeTopics(names).allTopicNames().get()
                            .values().stream().allMatch(topic -> topic.partitions().stream()
                                    .allMatch(partition -> partition.leader() != null));
                });
            }
            await("the group reads the new topics").atMost(BOUND).until(() -> assigned(admin, group, names));
        } catch (Exception e) {
            throw new IllegalStateException("Could not recreate " + names, e);
        }
    }

    private static java.util.Set<String> exists(Admin admin) throws Exception {
        return admin.listTopics().names().get(10, TimeUnit.SECONDS);
    }

    /** Whether the group still has offsets committed on, or a member assigned to, any of the topics. */
    private static boolean holds(Admin admin, String group, List<String> topics) throws Exception {
        boolean committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().keySet()
                .stream().anyMatch(partition -> topics.contains(partition.topic()));
        return committed || assigned(admin, group, topics);
    }

    private static boolean assigned(Admin admin, String group, List<String> topics) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        return description.members().stream().anyMatch(member -> member.assignment().topicPartitions().stream()
                .anyMatch(partition -> topics.contains(partition.topic())));
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers()));
    }
}
