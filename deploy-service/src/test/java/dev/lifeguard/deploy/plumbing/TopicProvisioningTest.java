package dev.lifeguard.deploy.plumbing;

import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.lifeguard.testsupport.ServiceHealth.readiness;
import static org.assertj.core.api.Assertions.assertThat;

/** The broker creates no topic on first use: deploy-service created its own, with their dead-letter topics. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
class TopicProvisioningTest {

    private static final List<String> TOPICS = List.of("lifeguard.ci", "lifeguard.ci.dlq", "lifeguard.rollbacks",
            "lifeguard.rollbacks.dlq", "lifeguard.deployments", "lifeguard.deployments.dlq");

    @Test
    void theServiceCreatedItsTopicsAndTheirDeadLetterTopicsWithThreePartitions() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokerResource.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(TOPICS).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics).containsOnlyKeys(TOPICS)
                    .allSatisfy((name, description) -> assertThat(description.partitions()).as(name).hasSize(3));
        }
        assertThat(readiness().getString("checks.find { it.name == 'Lifeguard topics' }.status")).isEqualTo("UP");
    }
}
