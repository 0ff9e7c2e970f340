package dev.lifeguard.monitor.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.config.MonitorConfig;
import dev.lifeguard.support.kafka.KafkaClients;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts samples reported over REST (or pulled from a provider) on the metrics topic, one record per target keyed by
 * it, so they take exactly the path of samples sent to Kafka. Returns once the broker acknowledged them.
 */
@ApplicationScoped
public class SampleIntake {

    private final KafkaClients kafka;
    private final MonitorConfig config;
    private final ObjectMapper mapper;

    public SampleIntake(KafkaClients kafka, MonitorConfig config, ObjectMapper mapper) {
        this.kafka = kafka;
        this.config = config;
        this.mapper = mapper;
    }

    /** Thrown when the broker did not acknowledge in time: nothing is known to be accepted, the caller may retry. */
    public static class NotAcceptedException extends RuntimeException {
        public NotAcceptedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public void send(List<ReportedSample> samples) {
        Map<String, ArrayNode> byTarget = new LinkedHashMap<>();
        for (ReportedSample sample : samples) {
            byTarget.computeIfAbsent(sample.target(), target -> mapper.createArrayNode()).add(json(sample));
        }
        List<Future<?>> sent = new ArrayList<>();
        byTarget.forEach((target, array) -> sent.add(kafka.producer()
                .send(new ProducerRecord<>(config.metricsTopic(), target, array.toString()))));
        long deadline = System.nanoTime() + kafka.sendTimeout().toNanos();
        try {
            for (Future<?> future : sent) {
                future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new NotAcceptedException("the metrics topic did not acknowledge the samples within "
                    + kafka.sendTimeout().toSeconds() + " s; retry", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotAcceptedException("interrupted while sending the samples", e);
        }
    }

    private ObjectNode json(ReportedSample sample) {
        ObjectNode json = mapper.createObjectNode();
        json.put("service", sample.service());
        json.put("environment", sample.environment());
        json.put("version", sample.version());
        json.put("metric", sample.metric());
        if (sample.value() != null) {
            json.put("value", sample.value());
        }
        if (sample.timestamp() != null) {
            json.put("timestamp", sample.timestamp().toInstant().toString());
        }
        if (sample.source() != null) {
            json.put("source", sample.source());
        }
        if (sample.provider() != null) {
            json.put("provider", sample.provider());
        }
        if (sample.query() != null) {
            json.put("query", sample.query());
        }
        if (sample.error() != null) {
            json.put("error", sample.error());
        }
        return json;
    }
}
