package dev.lifeguard.reliability;

import dev.lifeguard.launcher.infra.KafkaBroker;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, item 8: the services run against a broker that requires SASL, configured with nothing but the standard
 * Kafka client settings in their environment ({@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM},
 * {@code KAFKA_SASL_JAAS_CONFIG}). deploy-service (messaging channels, outbox relay, topic provisioning),
 * monitor-service (its Kafka Streams engine too) and postmortem-service start, provision their topics and carry a CI
 * deployment event through: deploy-service reads it and publishes the deployment, which monitor-service's engine and
 * postmortem-service both consume.
 */
class KafkaSaslIT {

    private static final String SERVICE_USER = "lifeguard";
    private static final String SERVICE_PASSWORD = "lifeguard-" + UUID.randomUUID();
    private static final String CI_USER = "ci-github";
    private static final String CI_PASSWORD = "ci-" + UUID.randomUUID();
    private static final KafkaBroker.SaslUsers USERS = new KafkaBroker.SaslUsers("broker", "broker-" + UUID.randomUUID(),
            Map.of(SERVICE_USER, SERVICE_PASSWORD, CI_USER, CI_PASSWORD));
    private static final Duration SETTLE = Duration.ofSeconds(90);

    @TempDir
    static Path home;

    private static KafkaBroker saslBroker;
    private static Platform platform;

    @BeforeAll
    static void startServicesOnASaslBroker() throws IOException {
        Path root = Paths.get(System.getProperty("lifeguard.root", "..")).toAbsolutePath().normalize();
        saslBroker = KafkaBroker.start(home.resolve("sasl-kafka"), freePort(),
                new PrintStream(Files.newOutputStream(home.resolve("sasl-kafka.log"))), USERS);
        Map<String, String> kafka = USERS.clientSettings(SERVICE_USER, SERVICE_PASSWORD);
        Map<String, String> environment = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", saslBroker.bootstrapServers(),
                "KAFKA_SECURITY_PROTOCOL", kafka.get("security.protocol"),
                "KAFKA_SASL_MECHANISM", kafka.get("sasl.mechanism"),
                "KAFKA_SASL_JAAS_CONFIG", kafka.get("sasl.jaas.config"));
        // the platform's own (plain) broker still starts; the services are pointed at the SASL one
        PlatformSettings settings = PlatformSettings.defaults(root).withHome(home)
                .withServices(EnumSet.of(LifeguardService.DEPLOY, LifeguardService.MONITOR, LifeguardService.POSTMORTEM))
                .withServiceEnvironment(environment)
                .withEphemeralPorts();
        platform = Platform.start(settings, System.out::println).stopOnJvmExit();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.stop();
        }
        if (saslBroker != null) {
            saslBroker.close();
        }
    }

    @Test
    void theServicesProvisionConsumeAndPublishOverSasl() throws Exception {
        try (Admin admin = Admin.create(settings(SERVICE_USER, SERVICE_PASSWORD))) {
            // ready means the services serve; Kafka Streams creates its internal topics on its first rebalance, which
            // may come a moment later
            await().atMost(SETTLE).untilAsserted(() -> {
                Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertThat(topics).as("provisioned over SASL by each service")
                        .contains(Topology.CI, Topology.DEPLOYMENTS, Topology.METRICS, Topology.ANOMALIES,
                                Topology.ANALYSES, "lifeguard.incidents", "lifeguard.audit", Topology.CI + ".dlq");
                assertThat(topics).as("the engine's own changelog and repartition topics, made by Kafka Streams")
                        .anyMatch(topic -> topic.startsWith("lifeguard-monitor-analysis-")
                                && topic.endsWith("-changelog"));
            });
        }

        String service = "sasl-" + UUID.randomUUID().toString().substring(0, 8);
        String ciEventId = "ci-sasl-" + UUID.randomUUID();
        String bareCdEvent = """
                {"context": {"specversion": "0.5.1", "id": "%s", "chainId": "%s", "source": "/ci/github-actions/shop",
                  "type": "dev.cdevents.service.deployed.0.3.0", "timestamp": "2026-12-03T09:00:00Z"},
                 "subject": {"id": "%s", "source": "/ci/github-actions/shop",
                  "content": {"environment": {"id": "production"}, "artifactId": "pkg:generic/%s@1.0.0"}}}
                """.formatted(ciEventId, UUID.randomUUID(), service, service);
        try (KafkaProducer<String, String> ci = new KafkaProducer<>(producerSettings(CI_USER, CI_PASSWORD))) {
            ci.send(new ProducerRecord<>(Topology.CI, service + "/production", bareCdEvent)).get(30, TimeUnit.SECONDS);
        }

        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(readerSettings())) {
            List<TopicPartition> partitions = reader.partitionsFor(Topology.DEPLOYMENTS).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            List<String> deployments = new ArrayList<>();
            await().atMost(SETTLE).untilAsserted(() -> {
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(500))) {
                    deployments.add(record.value());
                }
                assertThat(deployments).as("deploy-service read the CI event and published the deployment over SASL")
                        .anyMatch(value -> value.contains("dev.cdevents.service.deployed.0.3.0")
                                && value.contains("\"" + service + "\""));
            });
        }

        try (Admin admin = Admin.create(settings(SERVICE_USER, SERVICE_PASSWORD))) {
            await().atMost(SETTLE).untilAsserted(() -> {
                assertThat(committedOn(admin, "lifeguard-postmortem-service", Topology.DEPLOYMENTS))
                        .as("postmortem-service consumed the deployment").isPositive();
                assertThat(committedOn(admin, "lifeguard-monitor-analysis", Topology.DEPLOYMENTS))
                        .as("monitor-service's engine consumed the deployment").isPositive();
            });
        }
    }

    private static long committedOn(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return offsets.entrySet().stream().filter(entry -> entry.getKey().topic().equals(topic))
                .filter(entry -> entry.getValue() != null).mapToLong(entry -> entry.getValue().offset()).sum();
    }

    private static Map<String, Object> settings(String user, String password) {
        Map<String, Object> settings = new HashMap<>(USERS.clientSettings(user, password));
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslBroker.bootstrapServers());
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return settings;
    }

    private static Map<String, Object> producerSettings(String user, String password) {
        Map<String, Object> settings = settings(user, password);
        settings.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        return settings;
    }

    private static Map<String, Object> readerSettings() {
        Map<String, Object> settings = settings(SERVICE_USER, SERVICE_PASSWORD);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return settings;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
