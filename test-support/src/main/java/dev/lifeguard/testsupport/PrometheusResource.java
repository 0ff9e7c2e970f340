package dev.lifeguard.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Quarkus test resource: a real Prometheus server, wired into {@code lifeguard.monitor.prometheus.url} (the
 * monitor-service's {@code prometheus} metric provider). Tests feed it through {@link #server()}.
 */
public class PrometheusResource implements QuarkusTestResourceLifecycleManager {

    private static volatile PrometheusServer server;

    @Override
    public Map<String, String> start() {
        server = PrometheusServer.start();
        return Map.of("lifeguard.monitor.prometheus.url", server.url());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server, to write samples the application then queries. */
    public static PrometheusServer server() {
        if (server == null) {
            throw new IllegalStateException("PrometheusResource has not been started");
        }
        return server;
    }
}
