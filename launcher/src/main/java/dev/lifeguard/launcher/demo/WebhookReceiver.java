package dev.lifeguard.launcher.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The team's chat webhook for the demo: a real HTTP server on 127.0.0.1 and an ephemeral port. */
final class WebhookReceiver implements AutoCloseable {

    private static final int MAX_BODY = 1 << 20;

    /** One POST: a redelivery with an already seen Idempotency-Key is flagged, not dropped. */
    record Delivery(String idempotencyKey, String body, boolean repeated) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "demo-webhook");
        thread.setDaemon(true);
        return thread;
    });
    private final ConcurrentLinkedQueue<Delivery> received = new ConcurrentLinkedQueue<>();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final String path;

    WebhookReceiver(String path) {
        this.path = path;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open the demo's webhook receiver", e);
        }
        server.createContext(path, this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Deliveries received since the last call. */
    List<Delivery> drain() {
        List<Delivery> deliveries = new ArrayList<>();
        Delivery delivery;
        while ((delivery = received.poll()) != null) {
            deliveries.add(delivery);
        }
        return deliveries;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
            }
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            boolean repeated = key != null && !keys.add(key);
            received.add(new Delivery(key == null ? "" : key, body, repeated));
            byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
