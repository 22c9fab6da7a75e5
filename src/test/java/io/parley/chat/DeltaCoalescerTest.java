package io.parley.chat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the customer receives for a stream of tokens: the first at once, the rest gathered per window. */
class DeltaCoalescerTest {

    private static final long MS = 1_000_000;

    private long now = 1_000 * MS;
    private final List<String> frames = new ArrayList<>();
    private final List<Long> timerDelays = new ArrayList<>();
    private final List<Runnable> timers = new ArrayList<>();

    private DeltaCoalescer coalescer(long windowMs) {
        return new DeltaCoalescer(windowMs * MS, frames::add, (delay, task) -> {
            timerDelays.add(delay);
            timers.add(task);
        }, () -> now);
    }

    private void fireTimers() {
        List<Runnable> due = new ArrayList<>(timers);
        timers.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void firstTokenLeavesAtOnceAndTheNextOnesTogether() {
        DeltaCoalescer c = coalescer(50);
        c.add("Your ");
        assertThat(frames).containsExactly("Your ");

        now += 10 * MS;
        c.add("order ");
        now += 10 * MS;
        c.add("AB1234567 ");
        assertThat(frames).containsExactly("Your ");
        assertThat(timerDelays).containsExactly(40L); // what is left of the window since the first frame

        now += 30 * MS;
        fireTimers();
        assertThat(frames).containsExactly("Your ", "order AB1234567 ");
    }

    @Test
    void afterAQuietWindowTextLeavesAtOnceAgain() {
        DeltaCoalescer c = coalescer(50);
        c.add("a");
        now += 80 * MS;
        c.add("b");
        assertThat(frames).containsExactly("a", "b");
        assertThat(timers).isEmpty();
    }

    @Test
    void flushSendsWhatIsHeldBeforeTheEndAndTheTimerThenSendsNothing() {
        DeltaCoalescer c = coalescer(50);
        c.add("a");
        now += 5 * MS;
        c.add("b");
        c.flush(); // answer.end is next: every delta must precede it
        assertThat(frames).containsExactly("a", "b");
        fireTimers();
        assertThat(frames).containsExactly("a", "b");
    }

    @Test
    void aZeroWindowSendsEveryToken() {
        DeltaCoalescer c = coalescer(0);
        c.add("a");
        c.add("b");
        c.add("c");
        assertThat(frames).containsExactly("a", "b", "c");
        assertThat(timers).isEmpty();
    }
}
