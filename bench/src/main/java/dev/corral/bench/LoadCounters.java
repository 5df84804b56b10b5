package dev.corral.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * What a load generator's threads count while a run goes on: successes with their latency, failures with
 * the first failure's text, stalls (a window slot not returned for {@link #STALL_MS}), and the requests in
 * flight, which must drain to zero when the run stops.
 *
 * <p>Thread-safe: callbacks of many client threads record here at once. Invariant: {@code inFlight >= 0}.
 */
final class LoadCounters {
    /** A request unanswered this long counts as a stall: something is wrong with the server or the client. */
    static final long STALL_MS = 5_000;
    /** Latencies above this are recorded as this, so one lost reply cannot resize the histogram without bound. */
    static final long LATENCY_NANOS_MAX = TimeUnit.SECONDS.toNanos(60);

    private final Recorder latency = new Recorder(LATENCY_NANOS_MAX, 3);
    private final LongAdder ops = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final Object idle = new Object();
    private long inFlight; // guarded by idle

    /** One operation completed well; its latency runs from {@code startNanos} to now. */
    void success(long startNanos) {
        latency.recordValue(Math.min(Math.max(0, System.nanoTime() - startNanos), LATENCY_NANOS_MAX));
        ops.increment();
    }

    /** One operation failed; {@code what} says how and where (only the first one is kept). */
    void failure(String what) {
        errors.increment();
        firstError.compareAndSet(null, what);
    }

    void stall(String what) {
        stalls.incrementAndGet();
        firstError.compareAndSet(null, what);
    }

    void started() {
        synchronized (idle) {
            inFlight++;
        }
    }

    void finished() {
        synchronized (idle) {
            inFlight--;
            if (inFlight <= 0) {
                idle.notifyAll();
            }
        }
    }

    /** Waits, at most {@code boundMs}, for every request in flight to complete; returns how many did not. */
    long awaitIdle(long boundMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMs);
        synchronized (idle) {
            while (inFlight > 0) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    break;
                }
                idle.wait(leftMs);
            }
            return inFlight;
        }
    }

    Recorder latency() {
        return latency;
    }

    long ops() {
        return ops.sum();
    }

    long errors() {
        return errors.sum();
    }

    long stalls() {
        return stalls.get();
    }

    String firstError() {
        return firstError.get();
    }
}
