package dev.lifeguard.support.net;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * HTTP to a {@link VettedUrl}, connecting to the addresses the guard vetted and resolving nothing itself: the TCP
 * connection goes to a vetted address while {@code Host}, TLS SNI and the certificate's hostname check use the URL's
 * host, so a DNS answer that changes after the check (rebinding) is never used. Redirects are never followed (the
 * 3xx is returned: its target was not vetted), the answer's body is cut at a bound, and every call has a deadline.
 * <p>
 * Built on the Vert.x core HTTP client ({@code RequestOptions.setServer} names the address to connect to). Calls
 * block the calling thread until the answer is complete, so they are for worker threads only: on an event-loop
 * thread they are refused. One instance per service is enough (it pools connections per vetted address and host).
 */
public class PinnedHttpClient implements AutoCloseable {

    /** One call. {@code headers} must not set {@code Host} (it is the URL's host). */
    public record Request(String method, Map<String, String> headers, byte[] body, Duration connectTimeout,
                          Duration timeout, int maxBodyBytes) {

        public Request {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            if (headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("host"))) {
                throw new IllegalArgumentException("the Host header is the URL's host");
            }
        }
    }

    /** The answer: status, headers (names case-insensitive) and at most {@code maxBodyBytes} of the body. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body, boolean truncated) {

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpClient namedHosts;
    private final HttpClient literalHosts;

    /** Trusts the JVM's default certificate authorities. */
    public PinnedHttpClient(Vertx vertx) {
        this(vertx, null);
    }

    /** @param trust the certificate authorities to trust instead of the JVM's (a test's self-signed one), or null */
    public PinnedHttpClient(Vertx vertx, TrustOptions trust) {
        this.namedHosts = vertx.createHttpClient(options(trust).setForceSni(true));
        // SNI carries names only (RFC 6066), so a URL naming an IP address sends none
        this.literalHosts = vertx.createHttpClient(options(trust).setForceSni(false));
    }

    private static HttpClientOptions options(TrustOptions trust) {
        HttpClientOptions options = new HttpClientOptions()
                .setVerifyHost(true)
                .setTrustAll(false)
                .setMaxRedirects(0)
                .setKeepAlive(true);
        if (trust != null) {
            options.setTrustOptions(trust);
        }
        return options;
    }

    /**
     * Sends {@code request} to {@code url}'s first vetted address (the next ones only when no connection could be
     * made, while the deadline allows).
     *
     * @throws OutboundCallException no complete answer; the message names the origin, never the path
     * @throws InterruptedException  the thread was interrupted while waiting (the request is abandoned)
     */
    public Response send(VettedUrl url, Request request) throws OutboundCallException, InterruptedException {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("PinnedHttpClient blocks: call it from a worker thread");
        }
        long deadline = System.nanoTime() + request.connectTimeout().toNanos() + request.timeout().toNanos();
        OutboundCallException lastFailure = null;
        for (InetAddress address : url.addresses()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            try {
                return sendTo(address, url, request, remaining);
            } catch (OutboundCallException e) {
                if (e.kind() != OutboundCallException.Kind.CONNECT_FAILED
                        && e.kind() != OutboundCallException.Kind.CONNECT_TIMEOUT) {
                    throw e;
                }
                lastFailure = e;
            }
        }
        throw lastFailure != null ? lastFailure : new OutboundCallException(OutboundCallException.Kind.TIMEOUT,
                url.origin() + ": no answer within " + millis(request.timeout()));
    }

    private Response sendTo(InetAddress address, VettedUrl url, Request request, long remainingNanos)
            throws OutboundCallException, InterruptedException {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(request.method().toUpperCase(Locale.ROOT)))
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, url.port())))
                .setHost(url.host())
                .setPort(url.port())
                .setSsl(url.https())
                .setURI(url.requestTarget())
                .setFollowRedirects(false)
                .setConnectTimeout(request.connectTimeout().toMillis())
                .setIdleTimeout(request.timeout().toMillis());
        request.headers().forEach(options::putHeader);
        if (url.host().contains(":")) {
            // an IPv6 literal: Vert.x would write the Host header without the brackets it needs
            options.putHeader("Host", "[" + url.host() + "]" + (url.uri().getPort() == -1 ? "" : ":" + url.port()));
        }
        HttpClient client = isLiteral(url.host()) ? literalHosts : namedHosts;

        CompletableFuture<Response> answer = new CompletableFuture<>();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        AtomicBoolean abandoned = new AtomicBoolean();
        client.request(options).onComplete(opened -> {
            if (opened.failed()) {
                answer.completeExceptionally(opened.cause());
                return;
            }
            HttpClientRequest httpRequest = opened.result();
            sent.set(httpRequest);
            if (abandoned.get()) {
                httpRequest.reset();
                return;
            }
            Buffer body = request.body() == null ? Buffer.buffer() : Buffer.buffer(request.body());
            httpRequest.send(body).onComplete(received -> {
                if (received.failed()) {
                    answer.completeExceptionally(received.cause());
                } else {
                    read(received.result(), httpRequest, request.maxBodyBytes(), answer);
                }
            });
        });
        try {
            return answer.get(remainingNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandon(sent, abandoned);
            throw new OutboundCallException(OutboundCallException.Kind.TIMEOUT,
                    url.origin() + ": no answer within " + millis(request.timeout()));
        } catch (InterruptedException e) {
            abandon(sent, abandoned);
            throw e;
        } catch (ExecutionException e) {
            abandon(sent, abandoned);
            throw failure(e.getCause(), url, address, request);
        }
    }

    /** Collects at most {@code max} bytes; a longer body is cut and its connection dropped, not read to the end. */
    private static void read(HttpClientResponse response, HttpClientRequest request, int max,
                             CompletableFuture<Response> answer) {
        Buffer collected = Buffer.buffer();
        Map<String, List<String>> headers = headers(response);
        response.exceptionHandler(answer::completeExceptionally);
        response.handler(chunk -> {
            if (answer.isDone()) {
                return;
            }
            int room = max - collected.length();
            if (chunk.length() > room) {
                collected.appendBuffer(chunk, 0, room);
                answer.complete(new Response(response.statusCode(), headers, collected.getBytes(), true));
                request.reset();
            } else {
                collected.appendBuffer(chunk);
            }
        });
        response.endHandler(ignored ->
                answer.complete(new Response(response.statusCode(), headers, collected.getBytes(), false)));
    }

    private static Map<String, List<String>> headers(HttpClientResponse response) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> header : response.headers()) {
            headers.computeIfAbsent(header.getKey(), name -> new ArrayList<>()).add(header.getValue());
        }
        return Collections.unmodifiableMap(headers);
    }

    private static void abandon(AtomicReference<HttpClientRequest> sent, AtomicBoolean abandoned) {
        abandoned.set(true);
        HttpClientRequest request = sent.get();
        if (request != null) {
            request.reset();
        }
    }

    private static OutboundCallException failure(Throwable cause, VettedUrl url, InetAddress address,
                                                 Request request) {
        String where = url.origin() + " (" + address.getHostAddress() + ")";
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof ConnectTimeoutException) {
                return new OutboundCallException(OutboundCallException.Kind.CONNECT_TIMEOUT,
                        where + ": no connection within " + millis(request.connectTimeout()));
            }
            if (c instanceof ConnectException) {
                return new OutboundCallException(OutboundCallException.Kind.CONNECT_FAILED,
                        where + ": connection refused");
            }
            if (c instanceof SSLException) {
                return new OutboundCallException(OutboundCallException.Kind.TLS,
                        where + ": TLS handshake failed: " + withoutPath(String.valueOf(c.getMessage()), url));
            }
            boolean timeout = c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout");
            if (timeout && String.valueOf(c.getMessage()).contains("getting a connection")) {
                // Vert.x's connect timeout covers the TCP connection and the TLS handshake
                return new OutboundCallException(OutboundCallException.Kind.CONNECT_TIMEOUT,
                        where + ": no connection within " + millis(request.connectTimeout()));
            }
            if (timeout) {
                return new OutboundCallException(OutboundCallException.Kind.TIMEOUT,
                        url.origin() + ": no answer within " + millis(request.timeout()));
            }
            if (c instanceof HttpClosedException) {
                return new OutboundCallException(OutboundCallException.Kind.IO,
                        where + ": the connection was closed before the answer was complete");
            }
        }
        return new OutboundCallException(OutboundCallException.Kind.IO, where + ": "
                + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": "
                + withoutPath(cause.getMessage(), url)));
    }

    /** Vert.x messages may quote the request line; its path or query may hold a token. */
    private static String withoutPath(String message, VettedUrl url) {
        String scrubbed = message;
        String target = url.requestTarget();
        if (target.length() > 1) {
            scrubbed = scrubbed.replace(target, "/***");
        }
        String path = url.uri().getRawPath();
        if (path != null && path.length() > 1) {
            scrubbed = scrubbed.replace(path, "/***");
        }
        return scrubbed;
    }

    private static boolean isLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    private static String millis(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    @Override
    public void close() {
        namedHosts.close();
        literalHosts.close();
    }
}
