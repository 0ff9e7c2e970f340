package dev.lifeguard.reliability.fault;

import dev.lifeguard.reliability.Topology;
import dev.lifeguard.reliability.workload.Inputs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Poison for every consumed topic, two kinds per round: a value that is not JSON, and a structured CloudEvent that
 * lacks its required {@code id} and {@code type} (on the metrics topic: a sample without service, version or
 * value). Each carries a unique marker in its value and in the {@link #MARKER_HEADER} header, which the dead-letter
 * publisher copies, so the verifier can tell the suite's poison from a valid record that ended in a DLQ.
 */
public final class MalformedRecords {

    public static final String MARKER_HEADER = "lifeguard-chaos-marker";
    static final String NOT_JSON = "not JSON";
    static final String INCOMPLETE_CLOUDEVENT = "CloudEvent without id and type";

    private final String runId;
    private final KafkaProducer<String, String> producer;
    private final Inputs inputs;
    private final AtomicInteger sequence = new AtomicInteger();

    public MalformedRecords(String runId, KafkaProducer<String, String> producer, Inputs inputs) {
        this.runId = runId;
        this.producer = producer;
        this.inputs = inputs;
    }

    /** One round: both kinds to every consumed topic; returns how many the broker acknowledged. */
    public int sendRound() {
        int acked = 0;
        for (String topic : Topology.consumedTopics()) {
            for (String kind : List.of(NOT_JSON, INCOMPLETE_CLOUDEVENT)) {
                String marker = "chaos-" + runId + "-m" + sequence.incrementAndGet();
                if (send(topic, marker, kind)) {
                    inputs.malformedAcked(new Inputs.Malformed(topic, marker, kind));
                    acked++;
                } else {
                    inputs.malformedUnacked();
                }
            }
        }
        return acked;
    }

    static String value(String marker, String kind) {
        return NOT_JSON.equals(kind)
                ? "{not json " + marker
                : "{\"specversion\":\"1.0\",\"source\":\"/lifeguard-chaos\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"marker\":\"" + marker + "\"}}";
    }

    private boolean send(String topic, String marker, String kind) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, "chaos/" + marker, value(marker, kind));
        record.headers().add(MARKER_HEADER, marker.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get(50, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            // not retried: an unacknowledged record is not promised, and a retry could land it twice
            return false;
        }
    }
}
