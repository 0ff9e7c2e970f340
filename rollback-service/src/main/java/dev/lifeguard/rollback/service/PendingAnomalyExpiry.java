package dev.lifeguard.rollback.service;

import dev.lifeguard.rollback.PendingAnomaly;
import dev.lifeguard.rollback.config.RollbackConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Decides anomalies whose deployment event never came (a deployment made outside deploy-service, a lost
 * event), so that none waits forever. Each one is decided in its own transaction.
 */
@ApplicationScoped
public class PendingAnomalyExpiry {

    private static final Logger LOG = Logger.getLogger(PendingAnomalyExpiry.class);

    private final RollbackService rollbacks;
    private final RollbackConfig config;

    public PendingAnomalyExpiry(RollbackService rollbacks, RollbackConfig config) {
        this.rollbacks = rollbacks;
        this.config = config;
    }

    @Scheduled(every = "${lifeguard.rollback.pending-anomaly-check-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void expireOnSchedule() {
        expireReceivedBefore(OffsetDateTime.now(ZoneOffset.UTC).minus(config.pendingAnomalyTimeout()));
    }

    /** Decides every anomaly that has waited since before {@code cutoff}; returns how many there were. */
    public int expireReceivedBefore(OffsetDateTime cutoff) {
        List<PendingAnomaly> expired = rollbacks.pendingAnomaliesReceivedBefore(cutoff);
        for (PendingAnomaly pending : expired) {
            try {
                rollbacks.decideWithoutWaiting(pending);
            } catch (RuntimeException e) {
                // One bad row must not keep the others waiting; it is retried on the next run.
                LOG.warnf(e, "Could not decide the anomaly pending for deployment %s", pending.deploymentId);
            }
        }
        return expired.size();
    }
}
