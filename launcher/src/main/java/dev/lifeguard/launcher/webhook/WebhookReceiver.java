package dev.lifeguard.launcher.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A team's chat webhook, for the demo and the fault-injection suite: a real HTTP server on 127.0.0.1 and an
 * ephemeral port that answers every POST with 200 and keeps it, repeats included (flagged, never dropped), so
 * that a message delivered twice (two idempotency keys for one event) can be told from an HTTP re-send of one
 * delivery (the same key again).
 */
public final class WebhookReceiver implements AutoCloseable {

    private static final int MAX_BODY = 1 << 20;

    /** One POST as received; {@code repeated} when its {@code Idempotency-Key} was seen before. */
    public record Delivery(String path, String idempotencyKey, String body, boolean repeated, Instant receivedAt) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "webhook-receiver");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Delivery> received = new CopyOnWriteArrayList<>();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private int drained;
    private final String path;

    public WebhookReceiver(String path) {
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

    /** Every delivery so far, in the order received. */
    public List<Delivery> deliveries() {
        return List.copyOf(received);
    }

    /** The deliveries received since the last call (for one reader that shows them as they come). */
    public synchronized List<Delivery> drain() {
        List<Delivery> all = deliveries();
        List<Delivery> fresh = all.subList(drained, all.size());
        drained = all.size();
        return fresh;
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
            received.add(new Delivery(exchange.getRequestURI().getPath(), key == null ? "" : key, body, repeated,
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
