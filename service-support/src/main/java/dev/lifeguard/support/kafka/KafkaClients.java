package dev.lifeguard.support.kafka;

import dev.lifeguard.support.config.InstanceConfig;
import dev.lifeguard.support.config.KafkaTopicsConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka clients the plumbing itself uses, built from the application's {@code kafka.*} settings (so
 * security settings apply): one idempotent producer for outbox rows and dead letters, and one admin client
 * for topic provisioning and broker probes. Both are created on first use and closed with the application.
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> brokerSettings;
    private final KafkaTopicsConfig config;
    private final String clientIdPrefix;
    private KafkaProducer<String, String> producer;
    private Admin admin;

    public KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> brokerSettings, KafkaTopicsConfig config,
                        InstanceConfig instance) {
        this.brokerSettings = brokerSettings;
        this.config = config;
        this.clientIdPrefix = instance.id();
    }

    public synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            long sendTimeout = config.sendTimeout().toMillis();
            Map<String, Object> settings = common();
            settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-plumbing");
            settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            // Every send ends (acknowledged or failed) within the send timeout, so a claim never outlives it.
            settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) sendTimeout);
            settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, sendTimeout / 3));
            settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(1000, sendTimeout / 3));
            producer = new KafkaProducer<>(settings);
        }
        return producer;
    }

    public synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> settings = common();
            settings.put(AdminClientConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-admin");
            settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
            admin = Admin.create(settings);
        }
        return admin;
    }

    /** True when the cluster answers a metadata request within the bound. */
    public boolean brokerReachable(Duration bound) {
        try {
            admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) bound.toMillis()))
                    .nodes().get(bound.toMillis() + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    public Duration sendTimeout() {
        return config.sendTimeout();
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /** The application's broker settings without the consumer-only ones Quarkus adds to them. */
    private Map<String, Object> common() {
        Map<String, Object> settings = new HashMap<>(brokerSettings);
        settings.remove("group.id");
        return settings;
    }
}
