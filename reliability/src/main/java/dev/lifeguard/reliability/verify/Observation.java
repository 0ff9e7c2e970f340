package dev.lifeguard.reliability.verify;

import dev.lifeguard.reliability.webhook.WebhookRecorder;

import java.util.List;
import java.util.Map;

/**
 * What the platform shows at one moment, read from the outside only: REST APIs, the dead-letter topics, consumer
 * group offsets and the webhook's record.
 *
 * @param targets        per target service name
 * @param deadLetters    every record of every consumed topic's DLQ
 * @param outboxPending  per service, rows not sent yet; -1 when no instance answered
 * @param outboxParked   per service, parked rows (first few, as "topic key: last error"); null when unreadable
 * @param pendingDeliveries notify-service's deliveries not delivered yet; -1 when unreadable
 * @param lag            per consumer group, records not yet committed on the topics it reads; -1 when unknown
 */
public record Observation(Map<String, TargetView> targets, List<DeadLetter> deadLetters,
                          Map<String, Integer> outboxPending, Map<String, List<String>> outboxParked,
                          int pendingDeliveries, Map<String, Long> lag, List<WebhookRecorder.Post> posts) {

    /**
     * One verdict on {@code lifeguard.analyses} (read committed): how monitor-service's analysis of a deployment
     * ended.
     *
     * @param outcome    as published: passed, failed, inconclusive
     * @param rollbackId set when the analysis judged a deployment that this rollback made run again (a deployment is
     *                   analysed when it starts and once more after each rollback that restores it)
     */
    public record Verdict(String eventId, String deploymentId, String version, String outcome, String endedBy,
                          String rollbackId) {

        public Verdict(String eventId, String deploymentId, String version, String outcome, String endedBy) {
            this(eventId, deploymentId, version, outcome, endedBy, null);
        }

        /** Which analysis of its deployment it ends. */
        String analysis() {
            return rollbackId == null ? deploymentId : deploymentId + " after rollback " + rollbackId;
        }

        boolean failed() {
            return "failed".equalsIgnoreCase(outcome);
        }
    }

    /** One deployment of a target in deploy-service's history. */
    public record Deployment(String version, String status, String chainId) {
    }

    /**
     * A target as the services see it.
     *
     * @param reachable         deploy-service and monitor-service answered for it
     * @param currentVersion    deploy-service's running version, or null
     * @param status            deploy-service's status of the target (DEPLOYED, ROLLED_BACK)
     * @param history           deploy-service's deployments of it
     * @param analysedVersion   the version of monitor-service's analysis of the target's newest deployment (the newest
     *                          in {@code GET /api/v1/analyses?service=} without a rollbackId: analyses of a version
     *                          a rollback restored are not it), or null before any
     * @param analysisStatus    that analysis' status: RUNNING, PASSED, FAILED, INCONCLUSIVE; null before any
     * @param analysedSamples   the samples that analysis counted (duplicates and late samples are not counted)
     * @param executedRollbacks deploy-service rollback rows with outcome EXECUTED
     * @param rollbackRows      all of deploy-service's rollback rows ("EXECUTED", "SKIPPED: why")
     * @param decisions         rollback-service decisions (ROLL_BACK, SKIPPED)
     * @param anomalies         monitor-service anomalies
     * @param incidents         postmortem-service incidents, as their status
     * @param verdicts          monitor-service's verdicts about the target on {@code lifeguard.analyses}
     */
    public record TargetView(boolean reachable, String currentVersion, String status, List<Deployment> history,
                             String analysedVersion, String analysisStatus, long analysedSamples,
                             int executedRollbacks, List<String> rollbackRows, List<String> decisions, int anomalies,
                             List<String> incidents, List<Verdict> verdicts) {

        static TargetView unreachable() {
            return new TargetView(false, null, null, List.of(), null, null, -1, 0, List.of(), List.of(), 0, List.of(),
                    List.of());
        }

        /** The verdicts of one version whose outcome is failed. */
        long failedVerdicts(String version) {
            return verdicts.stream().filter(verdict -> verdict.failed() && version.equals(verdict.version())).count();
        }

        boolean hasDeployment(String version) {
            return history.stream().anyMatch(deployment -> version.equals(deployment.version()));
        }

        boolean hasChain(String chainId) {
            return history.stream().anyMatch(deployment -> chainId.equals(deployment.chainId()));
        }

        String statusOf(String version) {
            return history.stream().filter(deployment -> version.equals(deployment.version())).map(Deployment::status)
                    .findFirst().orElse("absent");
        }
    }

    /**
     * One record of a {@code <topic>.dlq}.
     *
     * @param marker the suite's marker when it is one of its malformed records, else null
     */
    public record DeadLetter(String dlqTopic, String originTopic, String group, String marker, String reason,
                             String valueExcerpt) {
    }
}
