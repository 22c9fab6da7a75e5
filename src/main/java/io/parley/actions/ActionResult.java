package io.parley.actions;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One call's result: the JSON body when it succeeded, a short summary for the transcript either way.
 *
 * @param httpStatus 0 when no response came
 */
public record ActionResult(String action, JsonNode arguments, Outcome outcome, int httpStatus, JsonNode body,
                           int durationMs, String summary) {

    public boolean ok() {
        return outcome == Outcome.OK;
    }
}
