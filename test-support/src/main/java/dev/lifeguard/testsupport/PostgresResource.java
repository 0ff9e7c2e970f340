package dev.lifeguard.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Quarkus test resource: a real PostgreSQL server with a fresh database, wired into the default datasource. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgresServer server;

    @Override
    public Map<String, String> start() {
        server = EmbeddedPostgresServer.start();
        String jdbcUrl = server.createDatabase("lifeguard");
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
}
