package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The mechanics every executor call shares (rollbacks, rollout steps, aborts): the call runs outside any transaction
 * with the configured timeout; its failure is classified transient (retried with backoff while attempts remain) or
 * final; a claim holds for the timeout plus a margin, so a call of an instance that died is made again by another.
 */
public final class ExecutorCalls {

    /** What one call came to: an outcome, or a failure saying whether trying again may help. */
    public record Result(ExecutionOutcome outcome, String failure, boolean transientFailure) {
        public boolean succeeded() {
            return outcome != null;
        }
    }

    private static final Logger LOG = Logger.getLogger(ExecutorCalls.class);

    private final ExecutorService calls = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "rollback-executor-call");
        thread.setDaemon(true);
        return thread;
    });
    private final DeployConfig config;

    public ExecutorCalls(DeployConfig config) {
        this.config = config;
    }

    /** Calls the executor with the timeout; null when this thread was interrupted (shutting down). */
    public Result call(String executorName, String what, Callable<ExecutionOutcome> call) {
        Future<ExecutionOutcome> future = calls.submit(call);
        try {
            return new Result(future.get(config.executionTimeout().toMillis(), TimeUnit.MILLISECONDS), null, false);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Result(null, executorName + " did not answer within " + config.executionTimeout().toSeconds()
                    + " s", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ExecutionFailedException) {
                return new Result(null, cause.getMessage(), false);
            } else if (cause instanceof TransientExecutionException) {
                return new Result(null, cause.getMessage(), true);
            }
            // An executor bug or an unexpected platform answer: retrying may help, and the attempts are bounded.
            LOG.errorf(cause, "%s: %s threw", what, executorName);
            return new Result(null, executorName + " failed unexpectedly: " + cause, true);
        }
    }

    public void shutdown() {
        calls.shutdownNow();
    }

    /** Until when a call claimed now is held by its instance. */
    public static OffsetDateTime claimUntil(DeployConfig config, OffsetDateTime now) {
        return now.plus(config.executionTimeout()).plus(config.claimMargin());
    }

    /** Whether a failed call is tried again. */
    public static boolean retried(DeployConfig config, int attempts, boolean transientFailure) {
        return transientFailure && attempts < config.executionAttempts();
    }

    /** Wait before the next attempt: doubled after each failure, up to the maximum. */
    public static Duration backoff(DeployConfig config, int attempts) {
        Duration backoff = config.retryBackoff();
        for (int i = 1; i < attempts && backoff.compareTo(config.retryBackoffMax()) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(config.retryBackoffMax()) > 0 ? config.retryBackoffMax() : backoff;
    }
}
