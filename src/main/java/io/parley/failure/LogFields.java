package io.parley.failure;

import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import org.jboss.logging.MDC;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fields of the log lines written inside it (the MDC, which the JSON log writes as top-level fields,
 * see ops.TemplateLogFields): {@code request_id}, {@code conversation_id}, {@code error_type},
 * {@code resolution_steps}, ... as the guide's template asks. Restores what was there before, so a
 * field never leaks to a later line of the same thread.
 * <pre>{@code try (LogFields f = LogFields.of("request_id", turn, "error_type", kind.name())) { LOG.warn(...); }}</pre>
 * A turn's work hops threads (model callbacks, worker pool, timers): each piece runs inside
 * {@link #turn} or {@link #carry}, never with ids left behind by an earlier piece.
 */
public final class LogFields implements AutoCloseable {

    public static final String REQUEST_ID = "request_id";
    public static final String CONVERSATION_ID = "conversation_id";
    public static final String RESOLUTION_STEPS = "resolution_steps";
    /** Steps are Parley's own one-line sentences: a newline separates them in the MDC's single string. */
    private static final String STEP_SEPARATOR = "\n";

    private final List<Object[]> previous = new ArrayList<>();

    private LogFields() {
    }

    /** Pairs of name and value; a null value leaves the field out. */
    public static LogFields of(String... namesAndValues) {
        LogFields fields = new LogFields();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            String name = namesAndValues[i];
            String value = namesAndValues[i + 1];
            if (value != null) {
                fields.set(name, value);
            }
        }
        return fields;
    }

    private void set(String name, String value) {
        previous.add(new Object[] {name, MDC.get(name)});
        if (value == null) {
            MDC.remove(name);
        } else {
            MDC.put(name, value);
        }
    }

    /**
     * The turn's fields: its id (the customer message id) as {@code request_id}, and its conversation.
     * Both are set, a null one removed, so that ids a thread still holds (worker threads inherit their
     * creator's MDC) never show on this work's lines.
     */
    public static LogFields turn(String requestId, Object conversationId) {
        LogFields fields = new LogFields();
        fields.set(REQUEST_ID, requestId);
        fields.set(CONVERSATION_ID, conversationId == null ? null : conversationId.toString());
        return fields;
    }

    /** The work, run with the turn's fields wherever it runs. */
    public static <T> Consumer<T> turn(String requestId, Object conversationId, Consumer<T> work) {
        return value -> onMdcContext(() -> {
            try (LogFields f = turn(requestId, conversationId)) {
                work.accept(value);
            }
        });
    }

    /** The work, run with the turn's fields wherever it runs. */
    public static Runnable turn(String requestId, Object conversationId, Runnable work) {
        return () -> onMdcContext(() -> {
            try (LogFields f = turn(requestId, conversationId)) {
                work.run();
            }
        });
    }

    /** The work, run on another thread with the turn fields of the thread that hands it over (none: none). */
    public static Runnable carry(Runnable work) {
        Object requestId = MDC.get(REQUEST_ID);
        return turn(requestId == null ? null : requestId.toString(), MDC.get(CONVERSATION_ID), work);
    }

    /**
     * Runs the work where the MDC holds its fields. Quarkus keeps the MDC in the current Vert.x
     * duplicated context; on a root context (the model client's event-loop callbacks) each MDC call
     * would make a fresh duplicate and the fields would be lost before the line is written, so the
     * work runs on one duplicate of it, on this thread, now.
     */
    private static void onMdcContext(Runnable work) {
        if (Vertx.currentContext() instanceof ContextInternal root && !root.isDuplicate()) {
            ContextInternal duplicate = root.duplicate();
            ContextInternal previous = duplicate.beginDispatch();
            try {
                work.run();
            } finally {
                duplicate.endDispatch(previous);
            }
        } else {
            work.run();
        }
    }

    /** Resolution steps as one MDC value (see {@link #stepList}). */
    public static String steps(List<String> steps) {
        return String.join(STEP_SEPARATOR, steps);
    }

    /** The steps of an MDC value written by {@link #steps}: the JSON log writes them as a list. */
    public static List<String> stepList(String value) {
        return Arrays.stream(value.split(STEP_SEPARATOR)).filter(s -> !s.isBlank()).toList();
    }

    @Override
    public void close() {
        for (int i = previous.size() - 1; i >= 0; i--) {
            Object[] p = previous.get(i);
            if (p[1] == null) {
                MDC.remove((String) p[0]);
            } else {
                MDC.put((String) p[0], p[1]);
            }
        }
    }
}
