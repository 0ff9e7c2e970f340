package dev.lifeguard.launcher.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A real PostgreSQL server (zonky's embedded binaries, run by {@code pg_ctl}) whose data directory persists
 * across runs, with one database per service owned by one login role.
 */
public final class PostgresServer implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private PostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static PostgresServer start(Path dataDirectory, int port) {
        try {
            Files.createDirectories(dataDirectory.getParent());
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // the infra process stops the server itself, in order, after Kafka
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setOutputRedirector(ProcessBuilder.Redirect.INHERIT)
                    .setErrorRedirector(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return new PostgresServer(postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start PostgreSQL on port " + port + " with data in "
                    + dataDirectory, e);
        }
    }

    /** Creates the login role and the databases it owns, keeping whatever already exists. */
    public void ensureDatabases(String user, String password, List<String> databases) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", user)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE ROLE " + identifier(user) + " LOGIN PASSWORD " + literal(password));
                }
            }
            for (String database : databases) {
                if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("CREATE DATABASE " + identifier(database) + " OWNER " + identifier(user));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the role and databases: " + e.getMessage(), e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop PostgreSQL", e);
        }
    }

    private static boolean exists(Connection connection, String query, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        }
    }

    private static String identifier(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("Not a plain SQL identifier: " + name);
        }
        return name;
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
