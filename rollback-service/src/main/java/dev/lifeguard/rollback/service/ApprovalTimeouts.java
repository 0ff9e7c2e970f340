package dev.lifeguard.rollback.service;

import dev.lifeguard.rollback.repository.RollbackDecisionRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Escalates decisions nobody approved or rejected before their deadline, every
 * {@code lifeguard.rollback.approval-check-interval}. Each one is settled in its own transaction under its target
 * lock, so two instances running the job at once act on it once.
 */
@ApplicationScoped
public class ApprovalTimeouts {

    private static final Logger LOG = Logger.getLogger(ApprovalTimeouts.class);
    private static final int BATCH = 100;

    private final RollbackDecisionRepository decisions;
    private final Approvals approvals;

    public ApprovalTimeouts(RollbackDecisionRepository decisions, Approvals approvals) {
        this.decisions = decisions;
        this.approvals = approvals;
    }

    @Scheduled(every = "${lifeguard.rollback.approval-check-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        try {
            timeOutPast(OffsetDateTime.now(ZoneOffset.UTC));
        } catch (RuntimeException e) {
            // the database may be away: the next run tries again
            LOG.warnf("Could not look for approvals past their deadline: %s", e.toString());
        }
    }

    /** Times out every decision whose deadline is at or before {@code now}; returns how many it acted on. */
    public int timeOutPast(OffsetDateTime now) {
        List<String> due = QuarkusTransaction.requiringNew().call(() -> decisions.idsAwaitingApprovalPast(now, BATCH));
        int acted = 0;
        for (String id : due) {
            try {
                if (approvals.timeOut(id, now)) {
                    acted++;
                }
            } catch (RuntimeException e) {
                // one bad row must not keep the others waiting; it is tried again on the next run
                LOG.warnf(e, "Could not time out the approval of decision %s", id);
            }
        }
        return acted;
    }
}
