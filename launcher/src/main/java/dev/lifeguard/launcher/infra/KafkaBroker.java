package dev.lifeguard.launcher.infra;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one process), as
 * {@code kafka-server-start.sh} would run it, listening on {@code localhost:<port>}. Its log directory is
 * formatted afresh at every {@link #start}; a {@link #restart()} keeps it (topics, records, committed offsets).
 * It never creates a topic on its own: the services create theirs.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final int NODE_ID = 1;

    private final KafkaConfig config;
    private final int port;
    /** Completes when the broker has stopped for good: closed, or shut down on its own. Not by a restart. */
    private final CompletableFuture<Void> stoppedForGood = new CompletableFuture<>();
    private KafkaRaftServer server;
    private boolean closed;

    private KafkaBroker(KafkaConfig config, int port) {
        this.config = config;
        this.port = port;
    }

    /**
     * SASL/PLAIN users of a broker whose client listener requires authentication: {@code admin} is the broker's own
     * (inter-broker) identity, {@code users} the others (name → password).
     */
    public record SaslUsers(String admin, String adminPassword, Map<String, String> users) {

        /** The client settings ({@code security.protocol}, {@code sasl.*}) of {@code user}. */
        public Map<String, String> clientSettings(String user, String password) {
            return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                    "sasl.jaas.config", plainLogin(user, password));
        }

        static String plainLogin(String user, String password) {
            return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                    + "\" password=\"" + password + "\";";
        }
    }

    /** Wipes and formats the log directory, then starts the broker. */
    public static KafkaBroker start(Path logDirectory, int port, PrintStream out) {
        return start(logDirectory, port, out, null);
    }

    /**
     * Like {@link #start(Path, int, PrintStream)}, with a client listener that requires SASL/PLAIN of
     * {@code sasl}'s users when it is not null (the controller listener stays local and plain).
     */
    public static KafkaBroker start(Path logDirectory, int port, PrintStream out, SaslUsers sasl) {
        deleteRecursively(logDirectory);
        Properties properties = configuration(logDirectory, port, freePort());
        if (sasl != null) {
            requireSasl(properties, port, sasl);
        }
        KafkaConfig config = KafkaConfig.fromProps(properties, false);
        try {
            Files.createDirectories(logDirectory);
            new Formatter()
                    .setPrintStream(out)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDirectory.toString())
                    .setDirectories(List.of(logDirectory.toString()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format the Kafka log directory " + logDirectory, e);
        }
        KafkaBroker broker = new KafkaBroker(config, port);
        broker.startServer();
        return broker;
    }

    static Properties configuration(Path logDirectory, int port, int controllerPort) {
        Properties properties = new Properties();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", Integer.toString(NODE_ID));
        properties.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        properties.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("log.dirs", logDirectory.toString());
        // every topic is created by the service that owns it, with its partition count: a typo must fail, not
        // quietly create a one-partition topic
        properties.put("auto.create.topics.enable", "false");
        properties.put("default.replication.factor", "1");
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "1");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "1");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("group.initial.rebalance.delay.ms", "0");
        // sized for one machine, not a cluster node: the log cleaner's default 128 MB dedupe buffer alone would be
        // a third of the infra JVM's heap, and 8 I/O plus 10 background threads only wait on two cores
        properties.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        properties.put("num.io.threads", "4");
        properties.put("num.network.threads", "2");
        properties.put("background.threads", "4");
        return properties;
    }

    private static void requireSasl(Properties properties, int port, SaslUsers sasl) {
        String controller = properties.getProperty("listeners").replaceFirst("^PLAINTEXT://[^,]+,", "");
        properties.put("listeners", "SASL_PLAINTEXT://localhost:" + port + "," + controller);
        properties.put("advertised.listeners", "SASL_PLAINTEXT://localhost:" + port);
        properties.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        properties.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("sasl.enabled.mechanisms", "PLAIN");
        properties.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        StringBuilder login = new StringBuilder(SaslUsers.plainLogin(sasl.admin(), sasl.adminPassword()));
        login.setLength(login.length() - 1);
        login.append(" user_").append(sasl.admin()).append("=\"").append(sasl.adminPassword()).append('"');
        sasl.users().forEach((user, password) -> login.append(" user_").append(user).append("=\"").append(password)
                .append('"'));
        properties.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", login.append(';').toString());
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /**
     * Stops the broker cleanly and starts it again in this JVM, with the same configuration (ports, log
     * directory): what was written and committed before is there after. Returns once it serves again.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("The broker is closed");
        }
        server.shutdown();
        server.awaitShutdown();
        startServer();
    }

    /** Waits up to {@code bound} for the broker to stop for good; true when it has. */
    public boolean awaitShutdown(Duration bound) {
        try {
            stoppedForGood.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException e) {
            return true;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            stoppedForGood.complete(null);
        }
    }

    /** Starts a new server on the current configuration; a watcher notices when it stops without being asked to. */
    private synchronized void startServer() {
        KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
        server = started;
        started.startup();
        Thread watcher = new Thread(() -> {
            started.awaitShutdown();
            synchronized (this) {
                if (server == started && !closed) {
                    stoppedForGood.complete(null);
                }
            }
        }, "kafka-broker-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for the Kafka controller listener", e);
        }
    }

    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not wipe " + directory, e);
        }
    }
}
