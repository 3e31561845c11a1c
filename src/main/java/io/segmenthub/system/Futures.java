package io.segmenthub.system;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting on work handed to another thread. */
public final class Futures {

    private Futures() {
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
