package io.parley.chat;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns an answer's stream of model tokens into {@code answer.delta} frames, leading edge first:
 * text arriving after a quiet window (the first text of an answer above all) is sent at once; text
 * following it within the window is held for one timer and sent as one frame. The first token is
 * never delayed, and a fast or bursty stream costs a frame per window instead of one per token.
 * Thread-safe: tokens, the timer and {@link #flush} may come from different threads.
 */
final class DeltaCoalescer {

    /** Runs {@code task} once after {@code delayMs} (a Vert.x timer in the server). */
    interface Timer {
        void schedule(long delayMs, Runnable task);
    }

    private final long windowNanos;
    private final Consumer<String> send;
    private final Timer timer;
    private final LongSupplier clock;
    private final StringBuilder pending = new StringBuilder();
    private boolean scheduled;
    private boolean sentBefore;
    private long lastSent;

    /** @param send called with each frame's text, under this object's lock, so frames keep their order */
    DeltaCoalescer(long windowNanos, Consumer<String> send, Timer timer, LongSupplier clock) {
        this.windowNanos = windowNanos;
        this.send = send;
        this.timer = timer;
        this.clock = clock;
    }

    synchronized void add(String text) {
        long now = clock.getAsLong();
        if (windowNanos <= 0 || (!scheduled && (!sentBefore || now - lastSent >= windowNanos))) {
            sendNow(text, now);
            return;
        }
        pending.append(text);
        if (!scheduled) {
            scheduled = true;
            timer.schedule(Math.max(1, (windowNanos - (now - lastSent)) / 1_000_000), this::flush);
        }
    }

    /** Sends what is held now: when the timer fires, and before answer.end or an error. */
    synchronized void flush() {
        scheduled = false;
        if (pending.length() > 0) {
            String text = pending.toString();
            pending.setLength(0);
            sendNow(text, clock.getAsLong());
        }
    }

    private void sendNow(String text, long now) {
        sentBefore = true;
        lastSent = now;
        send.accept(text);
    }
}
