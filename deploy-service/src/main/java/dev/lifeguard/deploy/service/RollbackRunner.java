package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutors;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import dev.lifeguard.deploy.config.DeployConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs due rollbacks: claims one, calls its executor outside any transaction with a timeout, settles the result.
 * Woken right after a rollback is accepted, and on a short poll for retries and for claims that lapsed when an
 * instance died mid-call. One run at a time per instance; instances share the work through the claims.
 */
@ApplicationScoped
public class RollbackRunner {

    private static final Logger LOG = Logger.getLogger(RollbackRunner.class);

    private final RollbackExecutions executions;
    private final RollbackExecutors executors;
    private final TargetService targets;
    private final DeployConfig config;
    private final ExecutorService calls = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "rollback-executor-call");
        thread.setDaemon(true);
        return thread;
    });
    private final ExecutorService runs = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rollback-runner");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public RollbackRunner(RollbackExecutions executions, RollbackExecutors executors, TargetService targets,
                          DeployConfig config) {
        this.executions = executions;
        this.executors = executors;
        this.targets = targets;
        this.config = config;
    }

    /** Runs due rollbacks soon, without waiting: a run in progress goes round once more instead. */
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

    @Scheduled(every = "${lifeguard.deploy.execution-poll:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        wake();
    }

    void onStop(@Observes ShutdownEvent event) {
        runs.shutdownNow();
        calls.shutdownNow();
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
        TargetService.ExecutorChoice choice = targets.choiceFor(claim.plan().service(), claim.plan().environment());
        var settings = claim.executor().equals(choice.executor()) ? choice.settings()
                : choice.settings().objectNode();
        LOG.infof("Rollback %s: calling %s (attempt %d): %s/%s %s -> %s", claim.rollbackId(), claim.executor(),
                claim.attempt(), claim.plan().service(), claim.plan().environment(), claim.plan().fromVersion(),
                claim.plan().toVersion());
        Future<ExecutionOutcome> call = calls.submit(() -> executor.get().execute(claim.plan(), settings));
        try {
            ExecutionOutcome outcome = call.get(config.executionTimeout().toMillis(), TimeUnit.MILLISECONDS);
            executions.succeeded(claim, outcome);
        } catch (TimeoutException e) {
            call.cancel(true);
            executions.failed(claim, claim.executor() + " did not answer within " + config.executionTimeout().toSeconds()
                    + " s", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ExecutionFailedException) {
                executions.failed(claim, cause.getMessage(), false);
            } else if (cause instanceof TransientExecutionException) {
                executions.failed(claim, cause.getMessage(), true);
            } else {
                // An executor bug or an unexpected platform answer: retrying may help, and the attempts are bounded.
                LOG.errorf(cause, "Rollback %s: %s threw", claim.rollbackId(), claim.executor());
                executions.failed(claim, claim.executor() + " failed unexpectedly: " + cause, true);
            }
        }
    }
}
