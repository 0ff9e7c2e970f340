package dev.lifeguard.support.consumer;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Which channels are retrying a record right now, since when and why: what readiness reports. */
@ApplicationScoped
public class StuckChannels {

    private static final int MAX_REASON_LENGTH = 300;

    /** The record a channel cannot get past, as of its latest failed attempt. */
    public record Stuck(String record, Instant since, int attempts, String reason) {

        public String describe() {
            return "retrying " + record + " since " + since + " (" + attempts + " attempts): " + reason;
        }
    }

    private final Map<String, Stuck> stuck = new ConcurrentHashMap<>();

    void failed(String channel, String record, Throwable failure) {
        String reason = failure.toString();
        String shortReason = reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) + "…" : reason;
        stuck.compute(channel, (name, previous) -> previous != null && previous.record().equals(record)
                ? new Stuck(record, previous.since(), previous.attempts() + 1, shortReason)
                : new Stuck(record, Instant.now(), 1, shortReason));
    }

    void recovered(String channel) {
        stuck.remove(channel);
    }

    /** Channels stuck since before {@code cutoff}, by name. */
    public Map<String, Stuck> since(Instant cutoff) {
        Map<String, Stuck> result = new TreeMap<>();
        stuck.forEach((channel, state) -> {
            if (!state.since().isAfter(cutoff)) {
                result.put(channel, state);
            }
        });
        return result;
    }
}
