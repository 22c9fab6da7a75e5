package io.parley.failure;

import org.jboss.logging.MDC;

import java.util.ArrayList;
import java.util.List;

/**
 * Fields of the log lines written inside it (the MDC, which the JSON log writes as top-level fields):
 * {@code request_id}, {@code conversation_id}, {@code error_type}, {@code resolution_steps}, ... as the
 * guide's error template asks. Restores what was there before, so a field never leaks to a later line
 * of the same thread.
 * <pre>{@code try (LogFields f = LogFields.of("request_id", turn, "error_type", kind.name())) { LOG.warn(...); }}</pre>
 */
public final class LogFields implements AutoCloseable {

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
                fields.previous.add(new Object[] {name, MDC.get(name)});
                MDC.put(name, value);
            }
        }
        return fields;
    }

    /** Resolution steps as one field: the steps in order, each after "- " on its own line. */
    public static String steps(List<String> steps) {
        return String.join("\n", steps.stream().map(s -> "- " + s).toList());
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
