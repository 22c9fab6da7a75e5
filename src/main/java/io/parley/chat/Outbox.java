package io.parley.chat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one connection was sent that its socket has not written yet, in bytes (a frame counts from
 * {@code sendText} until its Uni completes). A client that does not read leaves it growing: this is
 * the bound that keeps one client from holding the server's memory.
 */
final class Outbox {

    private final long limit;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicReference<Runnable> onDrained = new AtomicReference<>();
    private final AtomicLong total;
    private final AtomicBoolean closing = new AtomicBoolean();

    /** @param total the queued bytes of every connection (the gauge), kept in step with this one */
    Outbox(long limit, AtomicLong total) {
        this.limit = limit;
        this.total = total;
    }

    /** Counts a frame in, unless it would take a non-empty queue over the limit (one frame alone always fits). */
    boolean reserve(long bytes) {
        while (true) {
            long now = queued.get();
            if (now > 0 && now + bytes > limit) {
                return false;
            }
            if (queued.compareAndSet(now, now + bytes)) {
                total.addAndGet(bytes);
                return true;
            }
        }
    }

    /** The frame was written (or failed): it leaves the queue; a replay waiting for the low-water mark goes on. */
    void release(long bytes) {
        total.addAndGet(-bytes);
        if (queued.addAndGet(-bytes) <= lowWater()) {
            fireDrained();
        }
    }

    long queued() {
        return queued.get();
    }

    /** A replay stops sending a page here, leaving the rest of the budget to live frames. */
    boolean paused() {
        return queued.get() >= limit / 2;
    }

    /** True once: the connection is closed for being slow by the first caller only. */
    boolean startClosing() {
        return closing.compareAndSet(false, true);
    }

    /** Runs {@code next} (once) as soon as the queue is at or below the low-water mark: now, or from {@link #release}. */
    void whenDrained(Runnable next) {
        onDrained.set(next);
        if (queued.get() <= lowWater()) {
            fireDrained();
        }
    }

    private long lowWater() {
        return limit / 4;
    }

    private void fireDrained() {
        Runnable next = onDrained.getAndSet(null);
        if (next != null) {
            next.run();
        }
    }

    /** UTF-8 size without encoding the frame a second time. */
    static long utf8Bytes(String s) {
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x800) {
                n += Character.isSurrogate(c) ? 1 : 2; // a surrogate pair is 4 bytes for 2 chars
            } else if (c >= 0x80) {
                n += 1;
            }
        }
        return n;
    }
}
