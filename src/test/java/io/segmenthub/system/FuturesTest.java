package io.segmenthub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FuturesTest {

    /**
     * Work handed off runs beside whatever else was handed off, whatever the JDK and the number of
     * cores: the first task here finishes only once the second has run. On two cores JDK 25's
     * default for supplyAsync (the common pool, one worker) runs them one after the other and this
     * times out.
     */
    @Test
    void workHandedOffRunsBesideOtherWorkHandedOff() throws Exception {
        CountDownLatch secondRan = new CountDownLatch(1);
        var first = Futures.beside(() -> {
            try {
                return secondRan.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        var second = Futures.beside(() -> {
            secondRan.countDown();
            return Thread.currentThread().isDaemon();
        });

        assertThat(Futures.awaited(second)).as("a daemon thread, which never holds the JVM open").isTrue();
        assertThat(Futures.awaited(first)).as("the first saw the second run while it waited").isTrue();
    }

    @Test
    void aFailureIsThrownAsItWasThrownThere() {
        var failed = Futures.beside(() -> {
            throw new IllegalStateException("the store went away");
        });

        assertThatThrownBy(() -> Futures.awaited(failed)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("the store went away");
    }
}
