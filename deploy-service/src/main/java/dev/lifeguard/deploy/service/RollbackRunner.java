package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.executor.RollbackExecutors;
import dev.lifeguard.deploy.config.DeployConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs due executor calls: rollbacks (and rollout aborts) and rollout steps. Claims one, calls its executor outside
 * any transaction with a timeout ({@link ExecutorCalls}), settles the result. Woken right after a rollback is accepted
 * or a rollout moves, and on a short poll for retries, for claims that lapsed when an instance died mid-call, and for
 * pause steps whose verdict is overdue. One run at a time per instance; instances share the work through the claims.
 */
@ApplicationScoped
public class RollbackRunner {

    private static final Logger LOG = Logger.getLogger(RollbackRunner.class);

    private final RollbackExecutions executions;
    private final Rollouts rollouts;
    private final RollbackExecutors executors;
    private final TargetService targets;
    private final ExecutorCalls calls;
    private final ExecutorService runs = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rollback-runner");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public RollbackRunner(RollbackExecutions executions, Rollouts rollouts, RollbackExecutors executors,
                          TargetService targets, DeployConfig config) {
        this.executions = executions;
        this.rollouts = rollouts;
        this.executors = executors;
        this.targets = targets;
        this.calls = new ExecutorCalls(config);
    }

    /** Runs due calls soon, without waiting: a run in progress goes round once more instead. */
    public void wake() {
        again.set(true);
        if (!runs.isShutdown() && running.compareAndSet(false, true)) {
            try {
                runs.execute(this::runWhileWoken);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                running.set(false); // shutting down
            }
        }
    }

    @Scheduled(every = "${lifeguard.deploy.execution-poll:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        wake();
    }

    void onStop(@Observes ShutdownEvent event) {
        runs.shutdownNow();
        calls.shutdown();
    }

    private void runWhileWoken() {
        try {
            while (again.getAndSet(false)) {
                runDue();
            }
        } finally {
            running.set(false);
            if (again.get() && running.compareAndSet(false, true)) {
                runs.execute(this::runWhileWoken);
            }
        }
    }

    private void runDue() {
        try {
            Optional<RollbackExecutions.Claim> claim;
            while ((claim = executions.claimNext()).isPresent()) {
                run(claim.get());
            }
            rollouts.pauseOverdue();
            Optional<Rollouts.StepClaim> step;
            while ((step = rollouts.claimNext()).isPresent()) {
                run(step.get());
            }
        } catch (RuntimeException e) {
            // The database may be down: the claims wait for the next poll.
            LOG.warnf("Rollback runner: %s", e.toString());
        }
    }

    private void run(RollbackExecutions.Claim claim) {
        Optional<RollbackExecutor> executor = executors.named(claim.executor());
        if (executor.isEmpty()) {
            executions.failed(claim, "executor '" + claim.executor() + "' is not in this build", false);
            return;
        }
        ObjectNode settings = settings(claim.executor(), claim.plan().service(), claim.plan().environment());
        LOG.infof("Rollback %s: calling %s (attempt %d)%s: %s/%s %s -> %s", claim.rollbackId(), claim.executor(),
                claim.attempt(), claim.abortStep() != null ? " to abort the rollout" : "", claim.plan().service(),
                claim.plan().environment(), claim.plan().fromVersion(), claim.plan().toVersion());
        ExecutorCalls.Result result = calls.call(claim.executor(), "Rollback " + claim.rollbackId(),
                () -> claim.abortStep() != null ? executor.get().applyStep(claim.abortStep(), settings)
                        : executor.get().execute(claim.plan(), settings));
        if (result == null) {
            return;
        }
        if (result.succeeded()) {
            executions.succeeded(claim, result.outcome());
        } else {
            executions.failed(claim, result.failure(), result.transientFailure());
        }
    }

    private void run(Rollouts.StepClaim claim) {
        Optional<RollbackExecutor> executor = executors.named(claim.executor());
        if (executor.isEmpty()) {
            rollouts.stepFailed(claim, "executor '" + claim.executor() + "' is not in this build", false);
            return;
        }
        ObjectNode settings = settings(claim.executor(), claim.step().service(), claim.step().environment());
        LOG.infof("Rollout of %s: calling %s (attempt %d): %s", claim.step().deploymentId(), claim.executor(),
                claim.attempt(), claim.step().stepId());
        ExecutorCalls.Result result = calls.call(claim.executor(), "Rollout step " + claim.step().stepId(),
                () -> executor.get().applyStep(claim.step(), settings));
        if (result == null) {
            return;
        }
        if (result.succeeded()) {
            rollouts.stepSucceeded(claim, result.outcome());
        } else {
            rollouts.stepFailed(claim, result.failure(), result.transientFailure());
        }
    }

    /** The target's settings when it still uses the executor the call was claimed for, else none. */
    private ObjectNode settings(String executor, String service, String environment) {
        TargetService.ExecutorChoice choice = targets.choiceFor(service, environment);
        return executor.equals(choice.executor()) ? choice.settings() : choice.settings().objectNode();
    }
}
