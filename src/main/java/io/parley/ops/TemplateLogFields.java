package io.parley.ops;

import io.parley.failure.LogFields;
import io.quarkiverse.loggingjson.JsonGenerator;
import io.quarkiverse.loggingjson.JsonProvider;
import io.quarkus.arc.Unremovable;
import jakarta.inject.Singleton;
import org.jboss.logmanager.ExtLogRecord;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The guide's log template in each JSON line: the MDC's fields at the top level ({@code request_id},
 * {@code conversation_id}, {@code error_type}, ... set through {@link LogFields}), with
 * {@code resolution_steps} as a JSON list. A line with an exception and no error type of its own
 * still carries {@code error_type} (the exception's class) and a step. The extension's own MDC
 * object is switched off in application.properties, so each field is written once.
 */
@Singleton
@Unremovable // looked up by the JSON formatter, injected nowhere
public class TemplateLogFields implements JsonProvider {

    static final String ERROR_TYPE = "error_type";
    private static final List<String> UNEXPECTED_STEPS = List.of(
            "read the stack_trace; the other lines with this request_id show what the turn did before");

    @Override
    public void writeTo(JsonGenerator json, ExtLogRecord record) throws IOException {
        Map<String, String> mdc = record.getMdcCopy();
        for (Map.Entry<String, String> field : mdc.entrySet()) {
            if (field.getValue() == null || field.getKey().equals(LogFields.RESOLUTION_STEPS)) {
                continue;
            }
            json.writeStringField(field.getKey(), field.getValue());
        }
        Throwable thrown = record.getThrown();
        if (thrown != null && !mdc.containsKey(ERROR_TYPE)) {
            json.writeStringField(ERROR_TYPE, thrown.getClass().getSimpleName());
        }
        String steps = mdc.get(LogFields.RESOLUTION_STEPS);
        List<String> list = steps != null ? LogFields.stepList(steps) : thrown != null ? UNEXPECTED_STEPS : List.of();
        if (!list.isEmpty()) {
            json.writeArrayFieldStart(LogFields.RESOLUTION_STEPS);
            for (String step : list) {
                json.writeString(step);
            }
            json.writeEndArray();
        }
    }
}
