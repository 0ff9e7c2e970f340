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

    /** The query with its placeholders filled in. */
    public String query() {
        return queryTemplate.replace("{{service}}", service).replace("{{environment}}", environment)
                .replace("{{version}}", version);
    }
}
