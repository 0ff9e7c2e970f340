package dev.lifeguard.launcher.infra;

import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformException;
import dev.lifeguard.launcher.platform.PlatformSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The launcher's {@code infra} mode: one background JVM that runs the Kafka broker and PostgreSQL until it gets
 * SIGTERM, then stops the broker first and PostgreSQL second. Both start at once; it writes a PostgreSQL ready
 * file once the databases exist (the parent then starts the services) and a ready file once both accept work. While it runs, a restart request file makes it restart the
 * broker with its data kept; it deletes the ready file meanwhile and the request file once the broker serves again.
 */
public final class Infrastructure {

    private static final Duration WATCH_EVERY = Duration.ofMillis(200);

    private final Path kafkaDirectory;
    private final Path kafkaStreamsDirectory;
    private final int kafkaPort;
    private final Path postgresDirectory;
    private final int postgresPort;
    private final Path readyFile;
    private final Path kafkaRestartRequest;
    private final PrintStream out;

    /**
     * @param kafkaStreamsDirectory the Kafka Streams state of the platform's engine instances: wiped together with
     *                              Kafka's log directory, because that state caches changelog topics of this broker
     */
    public Infrastructure(Path kafkaDirectory, Path kafkaStreamsDirectory, int kafkaPort, Path postgresDirectory, int postgresPort, Path readyFile,
                          Path kafkaRestartRequest, PrintStream out) {
        this.kafkaDirectory = kafkaDirectory;
        this.kafkaStreamsDirectory = kafkaStreamsDirectory;
        this.kafkaPort = kafkaPort;
        this.postgresDirectory = postgresDirectory;
        this.postgresPort = postgresPort;
        this.readyFile = readyFile;
        this.kafkaRestartRequest = kafkaRestartRequest;
        this.out = out;
    }

    /**
     * Runs until the broker stops (SIGTERM, or a fatal broker error).
     *
     * @throws PlatformException when the broker does not come back from a restart
     */
    public void run() {
        deleteReadyFile();
        deleteQuietly(postgresReadyFile(readyFile));
        deleteQuietly(kafkaRestartRequest);
        // a new broker has none of the old changelogs: state restored from them would be taken for the new ones
        KafkaBroker.deleteRecursively(kafkaStreamsDirectory);
        // the broker starts while PostgreSQL does: the services need only PostgreSQL to start (they wait for Kafka
        // in the background), so the parent starts them on the PostgreSQL ready file
        say("starting Kafka (KRaft, single node) on localhost:" + kafkaPort + " (log directory wiped: "
                + kafkaDirectory + "; Kafka Streams state wiped with it: " + kafkaStreamsDirectory + ")");
        CompletableFuture<KafkaBroker> starting = new CompletableFuture<>();
        Thread kafkaStarter = new Thread(() -> {
            try {
                starting.complete(KafkaBroker.start(kafkaDirectory, kafkaPort, out));
            } catch (Throwable e) {
                starting.completeExceptionally(e);
            }
        }, "kafka-start");
        kafkaStarter.start();
        PostgresServer postgres;
        try {
            say("starting PostgreSQL on port " + postgresPort + " (data kept in " + postgresDirectory + ")");
            postgres = PostgresServer.start(postgresDirectory, postgresPort);
        } catch (RuntimeException e) {
            closeWhenStarted(starting);
            throw e;
        }
        KafkaBroker broker;
        try {
            postgres.ensureDatabases(PlatformSettings.DATABASE_USER, PlatformSettings.DATABASE_PASSWORD,
                    Arrays.stream(LifeguardService.values()).map(LifeguardService::database).toList());
            say("PostgreSQL ready on port " + postgresPort);
            write(postgresReadyFile(readyFile), "postgres=" + postgresPort + "\n");
            broker = started(starting);
        } catch (RuntimeException e) {
            deleteQuietly(postgresReadyFile(readyFile));
            closeWhenStarted(starting);
            postgres.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(broker, postgres), "infra-shutdown"));
        say("Kafka ready on " + broker.bootstrapServers());
        writeReadyFile();
        while (!broker.awaitShutdown(WATCH_EVERY)) {
            if (Files.exists(kafkaRestartRequest)) {
                restart(broker);
            }
        }
    }

    /**
     * Written once PostgreSQL accepts connections and every service database exists, beside the ready file (which
     * says Kafka serves too); deleted with it when the infra stops.
     */
    public static Path postgresReadyFile(Path readyFile) {
        return readyFile.resolveSibling("postgres.ready");
    }

    private static KafkaBroker started(CompletableFuture<KafkaBroker> starting) {
        try {
            return starting.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new PlatformException("Kafka did not start: " + cause, cause);
        }
    }

    /** PostgreSQL failed: the broker, once its start is over, must not outlive this process's failure. */
    private void closeWhenStarted(CompletableFuture<KafkaBroker> starting) {
        KafkaBroker broker;
        try {
            broker = starting.join();
        } catch (CompletionException e) {
            return; // it did not start either: nothing to stop
        }
        try {
            broker.close();
        } catch (RuntimeException e) {
            say("Kafka did not stop cleanly: " + e);
        }
    }

    private void restart(KafkaBroker broker) {
        deleteReadyFile();
        say("restarting Kafka (requested by " + kafkaRestartRequest.getFileName() + "; log directory kept)");
        long startNanos = System.nanoTime();
        try {
            broker.restart();
        } catch (RuntimeException e) {
            // the shutdown hook stops what is left; the requester sees this process exit
            throw new PlatformException("Kafka did not restart: " + e, e);
        }
        say(String.format("Kafka ready again on %s (restart took %.1f s)", broker.bootstrapServers(),
                (System.nanoTime() - startNanos) / 1e9));
        writeReadyFile();
        deleteQuietly(kafkaRestartRequest);
    }

    private void stop(KafkaBroker broker, PostgresServer postgres) {
        deleteReadyFile();
        say("stopping Kafka");
        try {
            broker.close();
        } catch (RuntimeException e) {
            say("Kafka did not stop cleanly: " + e);
        }
        say("stopping PostgreSQL");
        deleteQuietly(postgresReadyFile(readyFile));
        postgres.close();
        say("stopped");
    }

    private void writeReadyFile() {
        write(readyFile, "kafka=localhost:" + kafkaPort + "\npostgres=" + postgresPort + "\n");
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    private void deleteReadyFile() {
        deleteQuietly(readyFile);
    }

    private void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            say("could not delete " + file + ": " + e.getMessage());
        }
    }

    private void say(String message) {
        out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " infra: " + message);
        out.flush();
    }
}
