package io.segmenthub.system;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Work handed to another thread, and waiting on it. */
public final class Futures {

    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * Threads of their own for work done beside the caller's. Not the JDK's default for
     * {@code supplyAsync}: on two cores that is a new thread per task on JDK 17 but, from a later
     * JDK on, the common pool with one worker, where such a task waits for the parallel streams'
     * work or they for it. Idle threads end after a minute; none keeps the JVM alive.
     */
    private static final ExecutorService BESIDE = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "segment-hub-beside-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private Futures() {
    }

    /** {@code work} started on a thread of its own, as a future for {@link #awaited}. */
    public static <T> CompletableFuture<T> beside(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, BESIDE);
    }

    /**
     * The result of work done on another thread, its failure thrown as it was thrown there (not
     * wrapped in a {@link CompletionException}), so that callers and the routes' error handling see
     * the store's or the code's own exception.
     */
    public static <T> T awaited(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
