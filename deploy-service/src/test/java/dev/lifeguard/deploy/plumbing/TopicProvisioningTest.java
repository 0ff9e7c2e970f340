package dev.lifeguard.deploy.plumbing;

import dev.lifeguard.support.kafka.TopicProvisioner;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.lifeguard.testsupport.ServiceHealth.readiness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The broker creates no topic on first use: deploy-service created its own, with their dead-letter topics. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class TopicProvisioningTest {

    private static final List<String> TOPICS = List.of("lifeguard.ci", "lifeguard.ci.dlq", "lifeguard.rollbacks",
            "lifeguard.rollbacks.dlq", "lifeguard.deployments", "lifeguard.deployments.dlq");

    @Inject
    TopicProvisioner topics;

    @Test
    void aTopicThatCannotBeCheckedWhileTheBrokerIsAwayIsReportedAndProvisionedOnceItAnswers() {
        topics.forget("lifeguard.ci");
        KafkaBrokerResource.broker().stopBroker();
        try {
            assertThatThrownBy(() -> topics.ensure(List.of("lifeguard.ci"))).isInstanceOf(IllegalStateException.class);
            JsonPath health = readiness();
            assertThat(health.getString("checks.find { it.name == 'Lifeguard topics' }.status")).isEqualTo("DOWN");
            assertThat(health.getString("checks.find { it.name == 'Lifeguard topics' }.data.missing"))
                    .isEqualTo("lifeguard.ci");
            assertThat(health.getString("checks.find { it.name == 'Lifeguard topics' }.data.lastError"))
                    .contains("lifeguard.ci");
        } finally {
            KafkaBrokerResource.broker().startBroker();
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> topics.ensure(List.of("lifeguard.ci")));
        assertThat(readiness().getString("checks.find { it.name == 'Lifeguard topics' }.status")).isEqualTo("UP");
    }

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
