package dev.lifeguard.deploy.service;

import java.time.OffsetDateTime;

/**
 * A deployment as reported by CI (Kafka, the CI webhook) or a human (REST). {@code chainId} and {@code ciEventId}
 * are null for REST reports; a new chain is started then. {@code requestKey} is the REST request's
 * {@code Idempotency-Key}, when it had one. {@code deployedAt} is the time CI says it deployed (null: now).
 */
public record ReportedDeployment(String service, String environment, String version, String artifactId, String team,
                                 String commit, String changeUrl, String chainId, String ciEventId, String requestKey,
                                 String image, OffsetDateTime deployedAt) {
}
