package dev.lifeguard.monitor.provider.prometheus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.spec.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The prometheus provider's spec fields: errors name {@code metrics[i].query}. No server is needed to validate. */
class PrometheusProviderValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrometheusProvider provider = new PrometheusProvider(
            PrometheusProviderTest.config("http://localhost:9090", Duration.ofSeconds(5), null));

    @Test
    void isThePullingProviderNamedPrometheus() {
        assertThat(provider.name()).isEqualTo("prometheus");
        assertThat(provider.pulls()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sum(rate(http_requests_total{service=\"{{service}}\",version=\"{{version}}\",code=~\"5..\"}[1m]))",
            "histogram_quantile(0.99, sum by (le) (rate(latency_bucket{environment=\"{{environment}}\"}[5m])))",
            "vector(1)",
            "x{a=~\"b{2}\"}"})
    void acceptsQueries(String query) {
        assertThatCode(() -> provider.validate(metric(query), "metrics[1]")).doesNotThrowAnyException();
    }

    @Test
    void requiresAQuery() {
        ObjectNode metric = JSON.createObjectNode().put("metric", "error_rate").put("provider", "prometheus");

        assertInvalid(metric, "field 'metrics[1].query' is required with provider 'prometheus'");
    }

    @Test
    void rejectsANullQuery() {
        ObjectNode metric = JSON.createObjectNode().put("metric", "error_rate").putNull("query");

        assertInvalid(metric, "field 'metrics[1].query' is required with provider 'prometheus'");
    }

    @Test
    void rejectsAQueryThatIsNotAString() {
        ObjectNode metric = JSON.createObjectNode().put("metric", "error_rate").put("query", 42);

        assertInvalid(metric, "field 'metrics[1].query' must be a string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t"})
    void rejectsABlankQuery(String query) {
        assertInvalid(metric(query), "field 'metrics[1].query' must not be blank");
    }

    @Test
    void rejectsAQueryLongerThan2000Characters() {
        assertThatCode(() -> provider.validate(metric("x".repeat(2000)), "metrics[1]")).doesNotThrowAnyException();
        assertInvalid(metric("x".repeat(2001)), "field 'metrics[1].query' is 2001 characters long; at most 2000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"up{service=\"{{team}}\"}", "up{service=\"{{ service }}\"}", "up{service=\"{{}}\"}",
            "up{service=\"{{Service}}\"}"})
    void rejectsUnknownPlaceholders(String query) {
        assertInvalid(metric(query), "field 'metrics[1].query' has an unknown placeholder '{{");
    }

    @Test
    void rejectsAnUnclosedPlaceholder() {
        assertInvalid(metric("up{service=\"{{service\"}"), "field 'metrics[1].query' has '{{' at character 12 "
                + "without a closing '}}'");
    }

    @Test
    void rejectsAClosingBraceWithoutAnOpeningOne() {
        assertInvalid(metric("up{service=\"service}}\"}"), "field 'metrics[1].query' has '}}' at character 19 "
                + "without an opening '{{'");
    }

    private void assertInvalid(ObjectNode metric, String messageStart) {
        assertThatThrownBy(() -> provider.validate(metric, "metrics[1]"))
                .isInstanceOfSatisfying(InvalidSpecException.class,
                        e -> assertThat(e.field()).isEqualTo("metrics[1].query"))
                .message().startsWith(messageStart);
    }

    private static ObjectNode metric(String query) {
        return JSON.createObjectNode().put("metric", "error_rate").put("provider", "prometheus").put("query", query);
    }
}
