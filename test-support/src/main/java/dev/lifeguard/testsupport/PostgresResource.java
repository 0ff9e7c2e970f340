package dev.lifeguard.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** Quarkus test resource: a real PostgreSQL server with a fresh database, wired into the default datasource. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static final String DATABASE = "lifeguard";

    private static volatile EmbeddedPostgresServer server;
    private static volatile String adminUrl;

    @Override
    public Map<String, String> start() {
        server = EmbeddedPostgresServer.start();
        String jdbcUrl = server.createDatabase(DATABASE);
        adminUrl = server.adminJdbcUrl();
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /**
     * Takes the application's database away, as an outage does: every open connection is terminated and new
     * ones are refused until the returned handle is closed. The server itself keeps running.
     */
    public static Outage outage() {
        admin("ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS false",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + DATABASE + "'");
        return new Outage();
    }

    /** An ongoing outage; closing it lets connections in again. */
    public static final class Outage implements AutoCloseable {

        private boolean over;

        private Outage() {
        }

        @Override
        public void close() {
            if (!over) {
                admin("ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS true");
                over = true;
            }
        }
    }

    private static void admin(String... statements) {
        if (adminUrl == null) {
            throw new IllegalStateException("PostgresResource has not been started");
        }
        try (Connection connection = DriverManager.getConnection(adminUrl, "postgres", "postgres");
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run " + String.join("; ", statements), e);
        }
    }
}
