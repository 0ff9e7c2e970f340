package dev.lifeguard.reliability.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What was done to the platform and when, with how long it took to recover: the report's fault log. */
public final class FaultLog {

    /** Kinds of fault, as the report names them. */
    public enum Kind {
        KILL("kill -9"), FREEZE("freeze postgres"), THAW("thaw postgres"), KAFKA_RESTART("restart kafka"),
        MALFORMED("malformed records"), ERROR("error");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One line of the log.
     *
     * @param at       since the fault window opened
     * @param subject  what it was done to (a component, or "12 records on 6 topics")
     * @param took     how long it took until the platform had recovered from it, when that is known
     */
    public record Entry(Duration at, Kind kind, String subject, String detail, Duration took) {
    }

    private final long startNanos;
    private final List<Entry> entries = new ArrayList<>();

    public FaultLog(long startNanos) {
        this.startNanos = startNanos;
    }

    public synchronized Entry add(Kind kind, String subject, String detail, Duration took) {
        Entry entry = new Entry(Duration.ofNanos(System.nanoTime() - startNanos), kind, subject, detail, took);
        entries.add(entry);
        return entry;
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Records how long recovery from an earlier entry took (e.g. a killed instance ready again). */
    public synchronized void recovered(Entry entry, Duration took) {
        int position = entries.indexOf(entry);
        if (position >= 0) {
            entries.set(position, new Entry(entry.at(), entry.kind(), entry.subject(), entry.detail(), took));
        }
    }

    public synchronized long count(Kind kind) {
        return entries.stream().filter(entry -> entry.kind() == kind).count();
    }

    public synchronized List<Entry> of(Kind kind) {
        return entries.stream().filter(entry -> entry.kind() == kind).toList();
    }
}
