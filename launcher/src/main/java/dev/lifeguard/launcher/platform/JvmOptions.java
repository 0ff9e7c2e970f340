package dev.lifeguard.launcher.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JVM options the launcher gives the processes it starts, before the user's {@code LIFEGUARD_JAVA_OPTS} (which
 * come last and so win: HotSpot takes the last value of an option). Measured on a 2-core, 24 GB machine with
 * {@code ./lifeguard bench --footprint}; the README's "Footprint" section gives the figures and the reasons.
 *
 * <p>The JVM's own defaults size a service for the whole machine: a G1 heap of up to a quarter of the memory that
 * starts at 1/64 of it, two JIT compilers racing the application for the two cores at start-up, and one malloc arena
 * per thread. A Lifeguard service lives on a few dozen megabytes of heap and mostly waits for Kafka and PostgreSQL.
 */
public final class JvmOptions {

    /**
     * glibc gives every thread that allocates its own 64 MB arena; with ~50 threads per service that is the largest
     * part of the resident memory that is neither heap nor class metadata.
     */
    public static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    /**
     * Shared by every JVM the launcher starts. The JDK's own class-data archive is mapped where it was laid out
     * instead of relocated (this JDK's default): its pages then stay clean and shared by every Lifeguard JVM on the
     * machine, instead of ~10 MB copied into each. Memory malloc keeps after a burst (compilers, Kafka, zip) is given
     * back to the system every 30 s.
     */
    static final List<String> COMMON = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
            "-XX:TrimNativeHeapInterval=30000");

    /** From JDK 25 on: 8-byte object headers instead of 12, a smaller heap for the same objects (JEP 519). */
    static final String COMPACT_OBJECT_HEADERS = "-XX:+UseCompactObjectHeaders";

    private JvmOptions() {
    }

    /**
     * A service process: the quick compiler only (C1), which starts a service in half the CPU time of tiered
     * compilation; {@code LIFEGUARD_JAVA_OPTS=-XX:TieredStopAtLevel=4} gives the optimising compiler back, e.g.
     * for monitor-service's engine under a benchmark's load.
     */
    public static List<String> service() {
        return service(Jdk.current());
    }

    /** {@link #service()} for a JVM of that JDK. */
    public static List<String> service(Jdk jdk) {
        List<String> options = new ArrayList<>(List.of(
                // a small heap that grows only as far as the live data needs: serial GC shrinks it after collections
                "-XX:+UseSerialGC", "-Xms32m", "-Xmx256m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30"));
        options.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=32m"));
        options.addAll(common(jdk));
        return options;
    }

    /**
     * The infra JVM (Kafka broker and the PostgreSQL supervisor). The quick compiler alone starts the broker in half
     * the CPU time, which the five services starting beside it need; a local broker is far from its limits either way.
     */
    public static List<String> infra() {
        return infra(Jdk.current());
    }

    /** {@link #infra()} for a JVM of that JDK. */
    public static List<String> infra(Jdk jdk) {
        List<String> options = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx256m",
                "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:TieredStopAtLevel=1",
                "-XX:CICompilerCount=1"));
        options.addAll(common(jdk));
        return options;
    }

    private static List<String> common(Jdk jdk) {
        List<String> options = new ArrayList<>(COMMON);
        if (jdk.hasAotCache()) {
            options.add(COMPACT_OBJECT_HEADERS);
        }
        return options;
    }
}
