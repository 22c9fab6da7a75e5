package io.parley.chat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.parley.failure.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the guide's thresholds are measured on, as the customer sees it: every customer turn
 * ({@code parley_api_requests_total}, the HPA's {@code api_requests}), the time from the message
 * arriving to the first answer text and to the answer's end ({@code parley_turn_first_text_seconds},
 * {@code parley_turn_duration_seconds}, with a bucket at exactly 500 ms), and the turns that ended in
 * an error frame ({@code parley_turn_errors_total{code}}). deploy/prometheus/parley-rules.yml alerts on them.
 * The frames a turn produces are observed where they are built ({@link Frames}), so the pipeline
 * itself carries no timing code.
 */
@ApplicationScoped
public class TurnTelemetry {

    /** The guide's latency threshold: a histogram bucket ends exactly there, so the p95 rule reads it without interpolation. */
    static final Duration THRESHOLD = Duration.ofMillis(500);

    /** A turn that never ends here (handed to a person, answered on another instance) is forgotten after this. */
    private static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    private final MeterRegistry metrics;
    private final Counter requests;
    private final Timer firstText;
    private final Timer duration;
    /** Turns under way on this instance, by turn id; bounded in size and age. */
    private final Cache<String, Open> open = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(FORGET_AFTER).build();

    private static final class Open {
        final long startNanos = System.nanoTime();
        volatile boolean textSeen;
    }

    TurnTelemetry(MeterRegistry metrics) {
        this.metrics = metrics;
        this.requests = Counter.builder("parley.api.requests").description("Customer turns (messages) received").register(metrics);
        this.firstText = latency("parley.turn.first.text", "From a customer message in to the first answer text out");
        this.duration = latency("parley.turn.duration", "From a customer message in to the end of its answer");
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .serviceLevelObjectives(THRESHOLD).minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofMinutes(2)).register(metrics);
    }

    /** A customer message arrived: counted, and timed from now. */
    public void messageIn(String turn) {
        requests.increment();
        open.put(turn, new Open());
    }

    void textOut(String turn) {
        Open o = open.getIfPresent(turn);
        if (o != null && !o.textSeen) {
            o.textSeen = true;
            firstText.record(System.nanoTime() - o.startNanos, TimeUnit.NANOSECONDS);
        }
    }

    void answered(String turn) {
        Open o = open.asMap().remove(turn);
        if (o != null) {
            duration.record(System.nanoTime() - o.startNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The turn ended in an error frame; only turns that {@link #messageIn} saw count (not bad frames before one). */
    void failed(String turn, ErrorCode code) {
        if (turn != null && open.asMap().remove(turn) != null) {
            Counter.builder("parley.turn.errors").description("Customer turns that ended in an error frame, by code")
                    .tag("code", code.wire).register(metrics).increment();
        }
    }
}
