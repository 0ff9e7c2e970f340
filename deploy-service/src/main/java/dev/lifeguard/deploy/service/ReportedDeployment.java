package dev.lifeguard.deploy.service;

/**
 * A deployment as reported by CI (Kafka) or a human (REST). {@code chainId} and {@code ciEventId} are
 * null for REST reports; a new chain is started then. {@code requestKey} is the REST request's
 * {@code Idempotency-Key}, when it had one.
 */
public record ReportedDeployment(String service, String environment, String version, String artifactId, String team,
                                 String commit, String changeUrl, String chainId, String ciEventId, String requestKey) {
}
