package dev.lifeguard.reliability.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lifeguard.reliability.client.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The team's chat webhook: a real HTTP server on 127.0.0.1 that answers every POST with 200 and records it, repeats
 * included, so that the verifier can tell a message delivered twice (two idempotency keys for one event) from an
 * HTTP re-send of one delivery (the same key again).
 */
public final class WebhookRecorder implements AutoCloseable {

    private static final int MAX_BODY = 1 << 20;

    /** One POST as received: where, with which idempotency key, about which event (the body's CloudEvent). */
    public record Post(String path, String idempotencyKey, String eventId, String eventType, String subject,
                       Instant receivedAt) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "chaos-webhook");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final String path;

    public WebhookRecorder(String path) {
        this.path = path;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open the webhook receiver", e);
        }
        server.createContext(path, this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Post> posts() {
        return List.copyOf(posts);
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
            JsonNode event = Json.read(body);
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            posts.add(new Post(exchange.getRequestURI().getPath(), key == null ? "" : key,
                    event.path("id").asText(""), event.path("type").asText(""), event.path("subject").asText(""),
                    Instant.now()));
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
