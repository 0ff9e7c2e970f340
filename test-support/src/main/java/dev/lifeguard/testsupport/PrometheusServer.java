package dev.lifeguard.testsupport;

import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A real Prometheus server (the {@code prometheus} binary of the machine, e.g. Debian's package) started as a child
 * process on a free loopback port, with an empty scrape configuration and a throw-away TSDB. Tests feed it through
 * the remote-write receiver ({@link #write}) and query it over its HTTP API at {@link #url()}.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final Path workDir;
    private final URI url;
    private final HttpClient http;
    /** A test JVM that ends without {@link #close()} (killed run, forgotten close) must not leave a server behind. */
    private final Thread cleanupAtExit;

    private PrometheusServer(Process process, Path workDir, URI url, HttpClient http) {
        this.process = process;
        this.workDir = workDir;
        this.url = url;
        this.http = http;
        this.cleanupAtExit = new Thread(() -> {
            stop(process);
            deleteRecursively(workDir);
        }, "prometheus-server-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupAtExit);
    }

    /** One sample of a series: its value at a time (Prometheus keeps millisecond precision). */
    public record Sample(Instant at, double value) {
    }

    public static Sample sample(Instant at, double value) {
        return new Sample(at, value);
    }

    /**
     * Starts a server and waits until it is ready.
     *
     * @throws IllegalStateException when no {@code prometheus} binary is installed or the server does not get ready
     */
    public static PrometheusServer start() {
        Path binary = findBinary();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        IllegalStateException lastFailure = null;
        // the free port is only free until prometheus binds it: another process may take it in between
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(binary, http);
            } catch (PortTakenException e) {
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return url.toString();
    }

    public void write(String metric, Map<String, String> labels, Instant at, double value) {
        write(metric, labels, List.of(sample(at, value)));
    }

    /**
     * Stores samples of one series through remote write. Prometheus refuses samples older than the series' newest
     * one, so a series is best written once, or later samples with later times.
     */
    public void write(String metric, Map<String, String> labels, List<Sample> samples) {
        TreeMap<String, String> sortedLabels = new TreeMap<>(labels);
        sortedLabels.put("__name__", metric);
        List<Sample> inTimeOrder = samples.stream().sorted(Comparator.comparing(Sample::at)).toList();
        byte[] body;
        try {
            body = Snappy.compress(RemoteWrite.writeRequest(sortedLabels, inTimeOrder));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not compress the remote-write request", e);
        }
        HttpRequest request = HttpRequest.newBuilder(url.resolve("/api/v1/write"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("Prometheus refused the samples of " + sortedLabels + ": HTTP "
                    + response.statusCode() + " " + response.body().strip());
        }
    }

    /** Stops the server and deletes its configuration and TSDB. */
    @Override
    public void close() {
        stop(process);
        deleteRecursively(workDir);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupAtExit);
        } catch (IllegalStateException e) {
            // closed while the JVM is already shutting down: the hook runs anyway and finds nothing left to do
        }
    }

    private static PrometheusServer startOnce(Path binary, HttpClient http) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("lifeguard-prometheus-");
            Files.writeString(workDir.resolve("prometheus.yml"), """
                    # no scrape jobs: the tests write every sample through remote write
                    global:
                      evaluation_interval: 1m
                    scrape_configs: []
                    """);
            Files.createDirectory(workDir.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare a directory for Prometheus", e);
        }
        int port = freePort();
        URI url = URI.create("http://127.0.0.1:" + port);
        Path log = workDir.resolve("prometheus.log");
        Process process;
        try {
            process = new ProcessBuilder(binary.toString(),
                    "--config.file=" + workDir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + workDir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--web.enable-remote-write-receiver")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            deleteRecursively(workDir);
            throw new IllegalStateException("Could not start " + binary, e);
        }
        try {
            awaitReady(process, url, http, log);
        } catch (RuntimeException e) {
            stop(process);
            deleteRecursively(workDir);
            throw e;
        }
        return new PrometheusServer(process, workDir, url, http);
    }

    private static void awaitReady(Process process, URI url, HttpClient http, Path log) {
        long deadline = System.nanoTime() + STARTUP_DEADLINE.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(url.resolve("/-/ready")).timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String output = readLog(log);
                if (output.contains("address already in use")) {
                    throw new PortTakenException(url, output);
                }
                throw new IllegalStateException("Prometheus exited with " + process.exitValue()
                        + " before it was ready; its output:\n" + output);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Prometheus", e);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new IllegalStateException("Prometheus at " + url + " was not ready within " + STARTUP_DEADLINE
                + "; its output:\n" + readLog(log));
    }

    private static Path findBinary() {
        String path = System.getenv().getOrDefault("PATH", "");
        List<String> directories = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        directories.add("/usr/bin");
        directories.add("/usr/local/bin");
        for (String directory : directories) {
            if (directory.isBlank()) {
                continue;
            }
            Path candidate = Path.of(directory, "prometheus");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No 'prometheus' binary on the PATH. The tests need a real Prometheus server: "
                + "install it with `apt-get install -y --no-install-recommends prometheus` (Debian/Ubuntu; .ci/run "
                + "does this) or put a Prometheus 2.x binary on the PATH.");
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus at " + url + " did not answer " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while talking to Prometheus", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for Prometheus", e);
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String readLog(Path log) {
        try {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return output.length() > 4000 ? "..." + output.substring(output.length() - 4000) : output;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + directory, e);
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(URI url, String output) {
            super("The port of " + url + " was taken before Prometheus could bind it; its output:\n" + output);
        }
    }

    /**
     * The protobuf of a remote-write {@code prometheus.WriteRequest} with one series, encoded by hand (three small
     * messages do not justify protobuf-java): WriteRequest{1: TimeSeries}, TimeSeries{1: Label, 2: Sample},
     * Label{1: name, 2: value}, Sample{1: double value, 2: int64 timestamp in ms}.
     */
    static final class RemoteWrite {

        private static final int LENGTH_DELIMITED = 2;
        private static final int FIXED_64 = 1;
        private static final int VARINT = 0;

        private RemoteWrite() {
        }

        static byte[] writeRequest(Map<String, String> sortedLabels, List<Sample> samples) {
            ByteArrayOutputStream series = new ByteArrayOutputStream();
            sortedLabels.forEach((name, value) -> {
                ByteArrayOutputStream label = new ByteArrayOutputStream();
                writeBytes(label, 1, name.getBytes(StandardCharsets.UTF_8));
                writeBytes(label, 2, value.getBytes(StandardCharsets.UTF_8));
                writeBytes(series, 1, label.toByteArray());
            });
            for (Sample sample : samples) {
                ByteArrayOutputStream encoded = new ByteArrayOutputStream();
                writeTag(encoded, 1, FIXED_64);
                long bits = Double.doubleToRawLongBits(sample.value());
                for (int i = 0; i < 8; i++) {
                    encoded.write((int) (bits >>> (8 * i)) & 0xff);
                }
                writeTag(encoded, 2, VARINT);
                writeVarint(encoded, sample.at().toEpochMilli());
                writeBytes(series, 2, encoded.toByteArray());
            }
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            writeBytes(request, 1, series.toByteArray());
            return request.toByteArray();
        }

        private static void writeBytes(ByteArrayOutputStream out, int field, byte[] bytes) {
            writeTag(out, field, LENGTH_DELIMITED);
            writeVarint(out, bytes.length);
            out.writeBytes(bytes);
        }

        private static void writeTag(ByteArrayOutputStream out, int field, int wireType) {
            writeVarint(out, ((long) field << 3) | wireType);
        }

        private static void writeVarint(ByteArrayOutputStream out, long value) {
            long rest = value;
            while ((rest & ~0x7fL) != 0) {
                out.write((int) ((rest & 0x7f) | 0x80));
                rest >>>= 7;
            }
            out.write((int) rest);
        }
    }
}
