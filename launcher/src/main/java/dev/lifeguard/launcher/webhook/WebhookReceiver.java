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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A team's webhook (the chat webhook, the rollback webhook), for the demo and the fault-injection suite: a real HTTP
 * server on 127.0.0.1 and an ephemeral port that answers every POST with 200 and keeps it, repeats included (flagged,
 * never dropped), so that a message delivered twice (two idempotency keys for one event) can be told from an HTTP
 * re-send of one delivery (the same key again). It keeps the raw body and the request headers, so that a signed
 * request can be verified afterwards.
 */
public final class WebhookReceiver implements AutoCloseable {

    private static final int MAX_BODY = 1 << 20;

    /**
     * One POST as received; {@code repeated} when its {@code Idempotency-Key} was seen before.
     *
     * @param headers the request's headers, the first value of each, looked up in any letter case
     * @param rawBody the body's bytes exactly as sent (what a signature covers)
     */
    public record Delivery(String method, String path, Map<String, String> headers, byte[] rawBody, boolean repeated,
                           Instant receivedAt) {

        public Delivery {
            TreeMap<String, String> anyCase = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            anyCase.putAll(headers);
            headers = Collections.unmodifiableMap(anyCase);
            rawBody = rawBody.clone();
        }

        @Override
        public byte[] rawBody() {
            return rawBody.clone();
        }

        /** The body as text (UTF-8). */
        public String body() {
            return new String(rawBody, StandardCharsets.UTF_8);
        }

        /** The request header's (first) value, in any letter case. */
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name));
        }

        /** The {@code Idempotency-Key} header, or "" when there was none. */
        public String idempotencyKey() {
            return header(IDEMPOTENCY_KEY).orElse("");
        }
    }

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

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
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY);
            }
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    headers.put(name, values.get(0));
                }
            });
            String key = exchange.getRequestHeaders().getFirst(IDEMPOTENCY_KEY);
            boolean repeated = key != null && !keys.add(key);
            received.add(new Delivery(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body,
                    repeated, Instant.now()));
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
