package dev.lifeguard.testsupport;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs work on several threads released at the same moment: two instances handling one record, say. */
public final class Concurrently {

    private Concurrently() {
    }

    /** Starts every piece of work at once and waits (within {@code bound}) until all ended; rethrows a failure. */
    public static void atOnce(Duration bound, Runnable... work) {
        ExecutorService threads = Executors.newFixedThreadPool(work.length);
        try {
            CountDownLatch start = new CountDownLatch(1);
            CompletableFuture<?>[] running = Arrays.stream(work)
                    .map(piece -> CompletableFuture.runAsync(() -> afterStart(start, piece), threads))
                    .toArray(CompletableFuture[]::new);
            start.countDown();
            CompletableFuture.allOf(running).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Concurrent work failed or outlasted " + bound, e);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void afterStart(CountDownLatch start, Runnable work) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        work.run();
    }
}
