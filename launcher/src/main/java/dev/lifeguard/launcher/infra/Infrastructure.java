package dev.lifeguard.launcher.infra;

import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * The launcher's {@code infra} mode: one background JVM that runs the Kafka broker and PostgreSQL until it gets
 * SIGTERM, then stops the broker first and PostgreSQL second. It writes a ready file once both accept work, so
 * that the parent knows when to start the services.
 */
public final class Infrastructure {

    private final Path kafkaDirectory;
    private final int kafkaPort;
    private final Path postgresDirectory;
    private final int postgresPort;
    private final Path readyFile;
    private final PrintStream out;

    public Infrastructure(Path kafkaDirectory, int kafkaPort, Path postgresDirectory, int postgresPort, Path readyFile,
                          PrintStream out) {
        this.kafkaDirectory = kafkaDirectory;
        this.kafkaPort = kafkaPort;
        this.postgresDirectory = postgresDirectory;
        this.postgresPort = postgresPort;
        this.readyFile = readyFile;
        this.out = out;
    }

    /** Runs until the broker stops (SIGTERM, or a fatal broker error). */
    public void run() {
        deleteReadyFile();
        say("starting PostgreSQL on port " + postgresPort + " (data kept in " + postgresDirectory + ")");
        PostgresServer postgres = PostgresServer.start(postgresDirectory, postgresPort);
        KafkaBroker broker;
        try {
            postgres.ensureDatabases(PlatformSettings.DATABASE_USER, PlatformSettings.DATABASE_PASSWORD,
                    Arrays.stream(LifeguardService.values()).map(LifeguardService::database).toList());
            say("PostgreSQL ready on port " + postgresPort);
            say("starting Kafka (KRaft, single node) on localhost:" + kafkaPort + " (log directory wiped: "
                    + kafkaDirectory + ")");
            broker = KafkaBroker.start(kafkaDirectory, kafkaPort, out);
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(broker, postgres), "infra-shutdown"));
        say("Kafka ready on " + broker.bootstrapServers());
        writeReadyFile();
        broker.awaitShutdown();
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
        postgres.close();
        say("stopped");
    }

    private void writeReadyFile() {
        try {
            Files.createDirectories(readyFile.getParent());
            Files.writeString(readyFile, "kafka=localhost:" + kafkaPort + "\npostgres=" + postgresPort + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + readyFile, e);
        }
    }

    private void deleteReadyFile() {
        try {
            Files.deleteIfExists(readyFile);
        } catch (IOException e) {
            say("could not delete " + readyFile + ": " + e.getMessage());
        }
    }

    private void say(String message) {
        out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " infra: " + message);
        out.flush();
    }
}
