package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.failure.SecretMask;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** What a provider's error response says: its message (without the key, bounded) and when to try again. */
final class ProviderErrors {

    private static final int MAX_MESSAGE = 300;

    private ProviderErrors() {
    }

    /** The message of an OpenAI-style error body ({@code error.message} or {@code message}), else the text itself. */
    static String message(ObjectMapper json, String body, String apiKey) {
        String message = body;
        try {
            JsonNode node = json.readTree(body);
            JsonNode m = node.path("error").path("message");
            if (m.isTextual()) {
                message = m.asText();
            } else if (node.path("message").isTextual()) {
                message = node.path("message").asText();
            }
        } catch (Exception ignored) {
            // not JSON: keep the text
        }
        message = SecretMask.mask(message == null ? "" : message.strip(), List.of(apiKey));
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
    }

    /** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
    static Long retryAfterMs(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return (long) (Double.parseDouble(header.trim()) * 1000);
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    private static final java.util.regex.Pattern NAMES_RESPONSE_FORMAT = java.util.regex.Pattern.compile("response[_ ]?format|json[_ ]schema|json[_ ]object|json mode");

    /** A 400 (or 422) whose message names response_format: the server does not take the JSON mode asked for. */
    static boolean refusesResponseFormat(ProviderException e) {
        return (e.status() == 400 || e.status() == 422) && e.getMessage() != null
                && NAMES_RESPONSE_FORMAT.matcher(e.getMessage().toLowerCase(java.util.Locale.ROOT)).find();
    }
}
