package dev.lifeguard.monitor.provider;

import java.time.Instant;

/**
 * One measurement a pull provider is asked for.
 *
 * @param queryTemplate the spec's {@code query} with {@code {{service}}}, {@code {{environment}}}, {@code {{version}}}
 * @param at            the end of the interval being measured: the evaluation time of the query
 */
public record PullRequest(String service, String environment, String version, String metric, String queryTemplate,
                          Instant at) {

    /**
     * The query with its placeholders filled in. Values are escaped as PromQL string content (they sit between
     * quotes in label matchers): a version like {@code 2.0"} cannot end the string and change the query.
     */
    public String query() {
        return queryTemplate.replace("{{service}}", escaped(service)).replace("{{environment}}", escaped(environment))
                .replace("{{version}}", escaped(version));
    }

    static String escaped(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
