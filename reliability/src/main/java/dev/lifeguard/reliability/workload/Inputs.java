package dev.lifeguard.reliability.workload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ledger of what the suite sent and what the platform acknowledged (HTTP 2xx, or the broker's ack of a produced
 * record). Only acknowledged inputs are promised: acked ⊆ consumed is what the verifier checks, as Kafka's own system
 * tests do. Thread-safe: pipelines and fault threads write, the progress ticker and the verifier read.
 */
public final class Inputs {

    /** How an input reached the platform. */
    public enum Transport { REST, KAFKA }

    /** One error-rate sample of a target's v2, dated so that a re-send is recognised as the same sample. */
    public record Sample(int index, double value, Instant timestamp, Transport via) {
    }

    /** A record no consumer can read, sent to a consumed topic; {@code marker} identifies it in the DLQ. */
    public record Malformed(String topic, String marker, String kind) {
    }

    /** What happened to one target's inputs. */
    public static final class TargetInputs {

        private final Target target;
        private final String ciEventId;
        private final String chainId;
        private volatile boolean stableReported;
        private volatile boolean ciAcked;
        private volatile Instant newVersionDeployedAt;
        private final List<Sample> ackedSamples = new CopyOnWriteArrayList<>();
        private final AtomicInteger samplesSent = new AtomicInteger();
        private volatile String abandoned;
        private volatile boolean done;

        TargetInputs(Target target, String ciEventId, String chainId) {
            this.target = target;
            this.ciEventId = ciEventId;
            this.chainId = chainId;
        }

        public Target target() {
            return target;
        }

        public String ciEventId() {
            return ciEventId;
        }

        public String chainId() {
            return chainId;
        }

        public boolean stableReported() {
            return stableReported;
        }

        public boolean ciAcked() {
            return ciAcked;
        }

        public Instant newVersionDeployedAt() {
            return newVersionDeployedAt;
        }

        public List<Sample> ackedSamples() {
            return List.copyOf(ackedSamples);
        }

        public int samplesSent() {
            return samplesSent.get();
        }

        /** Why the pipeline gave up on this target, or null. */
        public String abandoned() {
            return abandoned;
        }

        public boolean done() {
            return done;
        }

        /** Every input of the target was acknowledged: it counts as a failing or healthy deployment. */
        public boolean fullyAcknowledged() {
            return stableReported && ciAcked && ackedSamples.size() == target.errorRates().size();
        }

        void stableReported(boolean value) {
            stableReported = value;
        }

        void ciAcked(boolean value) {
            ciAcked = value;
        }

        void newVersionDeployedAt(Instant time) {
            newVersionDeployedAt = time;
        }

        void sampleSent() {
            samplesSent.incrementAndGet();
        }

        void sampleAcked(Sample sample) {
            ackedSamples.add(sample);
        }

        void abandon(String reason) {
            abandoned = reason;
        }

        void finish() {
            done = true;
        }
    }

    private final Map<String, TargetInputs> targets = new ConcurrentSkipListMap<>();
    private final Map<String, Malformed> malformed = new ConcurrentHashMap<>();
    private final AtomicInteger malformedUnacked = new AtomicInteger();
    private final AtomicInteger restRetries = new AtomicInteger();
    private final AtomicInteger kafkaRetries = new AtomicInteger();

    TargetInputs register(Target target, String ciEventId, String chainId) {
        TargetInputs inputs = new TargetInputs(target, ciEventId, chainId);
        targets.put(target.service(), inputs);
        return inputs;
    }

    public Collection<TargetInputs> targets() {
        return List.copyOf(targets.values());
    }

    public void malformedAcked(Malformed record) {
        malformed.put(record.marker(), record);
    }

    public void malformedUnacked() {
        malformedUnacked.incrementAndGet();
    }

    public Map<String, Malformed> malformed() {
        return Map.copyOf(malformed);
    }

    public int malformedUnackedCount() {
        return malformedUnacked.get();
    }

    void restRetry() {
        restRetries.incrementAndGet();
    }

    void kafkaRetry() {
        kafkaRetries.incrementAndGet();
    }

    public int restRetries() {
        return restRetries.get();
    }

    public int kafkaRetries() {
        return kafkaRetries.get();
    }

    /** Counts for the progress line and the report. */
    public Counts counts() {
        int stable = 0;
        int ci = 0;
        int samplesRest = 0;
        int samplesKafka = 0;
        int samplesSent = 0;
        int done = 0;
        int abandoned = 0;
        for (TargetInputs target : targets.values()) {
            stable += target.stableReported ? 1 : 0;
            ci += target.ciAcked ? 1 : 0;
            for (Sample sample : target.ackedSamples) {
                if (sample.via() == Transport.REST) {
                    samplesRest++;
                } else {
                    samplesKafka++;
                }
            }
            samplesSent += target.samplesSent();
            done += target.done ? 1 : 0;
            abandoned += target.abandoned != null ? 1 : 0;
        }
        return new Counts(targets.size(), done, abandoned, stable, ci, samplesRest, samplesKafka, samplesSent,
                malformed.size(), malformedUnacked.get());
    }

    /** Totals of the ledger. */
    public record Counts(int targets, int done, int abandoned, int stableReported, int ciAcked, int samplesAckedRest,
                         int samplesAckedKafka, int samplesSent, int malformedAcked, int malformedUnacked) {

        public int samplesAcked() {
            return samplesAckedRest + samplesAckedKafka;
        }

        public int inputsAcked() {
            return stableReported + ciAcked + samplesAcked() + malformedAcked;
        }
    }

    /** Abandoned targets with their reasons, for the report. */
    public List<String> abandonedReasons() {
        List<String> reasons = new ArrayList<>();
        targets.values().stream().filter(target -> target.abandoned != null)
                .forEach(target -> reasons.add(target.target.service() + ": " + target.abandoned));
        return reasons;
    }
}
