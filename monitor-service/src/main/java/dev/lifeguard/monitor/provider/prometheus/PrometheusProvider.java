package dev.lifeguard.monitor.provider.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.config.PrometheusConfig;
import dev.lifeguard.monitor.provider.MetricProvider;
import dev.lifeguard.monitor.provider.PullRequest;
import dev.lifeguard.monitor.provider.PullResult;
import dev.lifeguard.monitor.spec.InvalidSpecException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pulls one value per interval and version from Prometheus with an instant query ({@code /api/v1/query}) evaluated
 * at the end of the interval. The spec's {@code query} must come down to one number: a single series or a scalar.
 */
@ApplicationScoped
public class PrometheusProvider implements MetricProvider {

    public static final String NAME = "prometheus";
    static final int MAX_QUERY_LENGTH = 2000;
    static final Set<String> PLACEHOLDERS = Set.of("service", "environment", "version");

    private static final Logger LOG = Logger.getLogger(PrometheusProvider.class);
    /** An instant query for one number answers in bytes; more than this is a query that selects far too much. */
    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
    private static final int MAX_RENDERING_LENGTH = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI queryEndpoint;
    /** The base URL without user info, the only form that goes into errors and logs. */
    private final String displayUrl;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final HttpClient http;

    @Inject
    public PrometheusProvider(PrometheusConfig config) {
        URI base = URI.create(config.url().strip());
        if (base.getScheme() == null || base.getHost() == null) {
            throw new IllegalArgumentException("lifeguard.monitor.prometheus.url must be an absolute http(s) URL");
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        String hostAndPort = base.getHost() + (base.getPort() == -1 ? "" : ":" + base.getPort());
        this.displayUrl = base.getScheme() + "://" + hostAndPort + path;
        this.queryEndpoint = URI.create(displayUrl + "/api/v1/query");
        this.authorization = config.bearerToken().filter(token -> !token.isBlank()).map(token -> "Bearer " + token.strip())
                .or(() -> Optional.ofNullable(base.getUserInfo()).map(PrometheusProvider::basic));
        this.timeout = config.timeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean pulls() {
        return true;
    }

    @Override
    public void validate(ObjectNode metric, String path) {
        String field = path + ".query";
        JsonNode query = metric.get("query");
        if (query == null || query.isNull()) {
            throw new InvalidSpecException(field, "field '" + field + "' is required with provider 'prometheus': "
                    + "a PromQL query that gives one number, e.g. sum(rate(http_requests_total{service=\"{{service}}\","
                    + "version=\"{{version}}\",code=~\"5..\"}[1m]))");
        }
        if (!query.isTextual()) {
            throw new InvalidSpecException(field, "field '" + field + "' must be a string (a PromQL query)");
        }
        String text = query.asText();
        if (text.isBlank()) {
            throw new InvalidSpecException(field, "field '" + field + "' must not be blank");
        }
        if (text.length() > MAX_QUERY_LENGTH) {
            throw new InvalidSpecException(field, "field '" + field + "' is " + text.length()
                    + " characters long; at most " + MAX_QUERY_LENGTH + " are allowed");
        }
        checkPlaceholders(text, field);
    }

    /** Every {@code {{...}}} must be closed and name one of the values the engine fills in. */
    private static void checkPlaceholders(String query, String field) {
        int position = 0;
        while (true) {
            int open = query.indexOf("{{", position);
            int strayClose = query.indexOf("}}", position);
            if (strayClose != -1 && (open == -1 || strayClose < open)) {
                throw new InvalidSpecException(field, "field '" + field + "' has '}}' at character " + strayClose
                        + " without an opening '{{'");
            }
            if (open == -1) {
                return;
            }
            int close = query.indexOf("}}", open + 2);
            if (close == -1) {
                throw new InvalidSpecException(field, "field '" + field + "' has '{{' at character " + open
                        + " without a closing '}}'");
            }
            String name = query.substring(open + 2, close);
            if (!PLACEHOLDERS.contains(name)) {
                throw new InvalidSpecException(field, "field '" + field + "' has an unknown placeholder '{{" + name
                        + "}}'; the placeholders are {{service}}, {{environment}} and {{version}}");
            }
            position = close + 2;
        }
    }

    @Override
    public PullResult pull(PullRequest request) {
        String query = null;
        try {
            query = request.query();
            return evaluate(query, request.at());
        } catch (RuntimeException e) {
            // the engine relies on pull never throwing; whatever slipped through becomes a failed pull
            LOG.warnf("Prometheus pull of %s for %s/%s failed unexpectedly: %s", request.metric(), request.service(),
                    request.environment(), e.toString());
            return PullResult.failure(query, "unexpected error: " + e.getClass().getSimpleName());
        }
    }

    private PullResult evaluate(String query, Instant at) {
        String uri = queryEndpoint + "?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&time=" + epochSeconds(at)
                // lets Prometheus give up on its own instead of computing an answer nobody waits for
                + "&timeout=" + Math.max(1, timeout.toMillis()) + "ms";
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri)).timeout(timeout)
                .header("Accept", "application/json").GET();
        authorization.ifPresent(value -> builder.header("Authorization", value));
        int status;
        byte[] body;
        try {
            HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
        } catch (HttpTimeoutException e) {
            return failure(query, "Prometheus at " + displayUrl + " did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return failure(query, "Prometheus at " + displayUrl + " is unreachable: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure(query, "interrupted while querying Prometheus");
        }
        if (body.length > MAX_RESPONSE_BYTES) {
            return failure(query, "the answer is larger than " + MAX_RESPONSE_BYTES / (1024 * 1024)
                    + " MiB; aggregate the query to one series (e.g. sum(...))");
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject() || !answer.has("status")) {
            return failure(query, "HTTP " + status + " from Prometheus at " + displayUrl + " without a Prometheus answer");
        }
        if (!"success".equals(answer.path("status").asText())) {
            String type = answer.path("errorType").asText("error");
            return failure(query, "Prometheus refused the query (" + type + "): " + answer.path("error").asText("no reason given"));
        }
        return interpret(query, answer.path("data"));
    }

    private PullResult interpret(String query, JsonNode data) {
        String resultType = data.path("resultType").asText();
        JsonNode result = data.path("result");
        return switch (resultType) {
            case "vector" -> {
                if (!result.isArray() || result.isEmpty()) {
                    yield failure(query, "empty result: no series matched at that time");
                }
                if (result.size() > 1) {
                    yield failure(query, "query returned " + result.size() + " series; aggregate them (e.g. sum(...))");
                }
                JsonNode series = result.get(0);
                yield sampleValue(query, labels(series.path("metric")), series.path("value"));
            }
            case "scalar" -> sampleValue(query, "scalar", result);
            case "matrix" -> failure(query, "query returned a range vector; use an instant vector or a scalar "
                    + "(e.g. rate(x[1m]) instead of x[1m])");
            default -> failure(query, "query returned a " + (resultType.isEmpty() ? "malformed" : resultType)
                    + " result; it must give one number");
        };
    }

    /** {@code value} is Prometheus' {@code [<unix seconds>, "<number>"]}. */
    private PullResult sampleValue(String query, String labels, JsonNode value) {
        if (!value.isArray() || value.size() != 2 || !value.get(1).isTextual()) {
            return failure(query, "malformed sample in the answer: " + truncate(value.toString()));
        }
        String number = value.get(1).asText();
        String rendering = truncate(labels + " " + number + " @" + value.get(0).asText());
        double parsed;
        try {
            parsed = switch (number) {
                case "NaN" -> Double.NaN;
                case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(number);
            };
        } catch (NumberFormatException e) {
            return failure(query, "malformed value in the answer: " + rendering);
        }
        if (!Double.isFinite(parsed)) {
            return new PullResult(null, query, rendering, "the value is " + number + ", not a finite number");
        }
        return PullResult.value(parsed, query, rendering);
    }

    private static String labels(JsonNode metric) {
        StringBuilder rendering = new StringBuilder("{");
        Iterator<Map.Entry<String, JsonNode>> fields = metric.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> label = fields.next();
            rendering.append(label.getKey()).append("=\"").append(label.getValue().asText()).append('"');
            if (fields.hasNext()) {
                rendering.append(',');
            }
        }
        return rendering.append('}').toString();
    }

    private static PullResult failure(String query, String error) {
        LOG.debugf("Prometheus query failed: %s: %s", query, error);
        return PullResult.failure(query, error);
    }

    private static String epochSeconds(Instant at) {
        return BigDecimal.valueOf(at.toEpochMilli()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    private static String describe(IOException e) {
        // ConnectException often carries no message; its type is then the only hint
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String truncate(String text) {
        return text.length() <= MAX_RENDERING_LENGTH ? text : text.substring(0, MAX_RENDERING_LENGTH - 3) + "...";
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}
