package io.parley.integration.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.chat.FrameInput;
import io.parley.failure.ParleyException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One message of a batch: {@code {"id": "...", "text": "...", "locale": "zh-CN"?}}, a line of the
 * JSONL file (or an element of the JSON list).
 */
public record BatchItem(String id, String text, String locale) {

    /** Reads and checks every line; the first bad one refuses the whole file (nothing is stored), naming its line. */
    static List<BatchItem> parse(ObjectMapper json, String body, int maxItems, int maxTextChars) {
        if (body == null || body.isBlank()) {
            throw ParleyException.badInput("The batch is empty: send one JSON object per line, {\"id\": \"...\", \"text\": \"...\"}.");
        }
        List<JsonNode> nodes = new ArrayList<>();
        String trimmed = body.strip();
        try {
            if (trimmed.startsWith("[")) {
                json.readTree(trimmed).forEach(nodes::add);
            } else {
                BufferedReader lines = new BufferedReader(new StringReader(body));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.isBlank()) {
                        nodes.add(readLine(json, line, nodes.size() + 1));
                    }
                }
            }
        } catch (IOException e) {
            throw ParleyException.badInput("The batch is neither JSON lines nor a JSON list.");
        }
        if (nodes.isEmpty() || nodes.size() > maxItems) {
            throw ParleyException.badInput("A batch holds 1 to " + maxItems + " items; this one has " + nodes.size() + ".");
        }
        List<BatchItem> items = new ArrayList<>(nodes.size());
        Set<String> ids = new HashSet<>();
        for (JsonNode n : nodes) {
            int line = items.size() + 1;
            String id = n.path("id").isTextual() || n.path("id").isNumber() ? n.path("id").asText() : null;
            String text = n.path("text").isTextual() ? n.path("text").asText() : null;
            if (id == null || id.isBlank() || id.length() > 200) {
                throw ParleyException.badInput("Item " + line + ": \"id\" is required (at most 200 characters).");
            }
            if (!ids.add(id)) {
                throw ParleyException.badInput("Item " + line + ": the id \"" + id + "\" appears twice.");
            }
            if (text == null || text.isBlank() || text.length() > maxTextChars || !FrameInput.storable(text)) {
                throw ParleyException.badInput("Item " + line + ": \"text\" must be non-empty text of at most " + maxTextChars + " characters.");
            }
            String locale = n.path("locale").isTextual() ? n.path("locale").asText() : null;
            if (locale != null && locale.length() > 20) {
                throw ParleyException.badInput("Item " + line + ": \"locale\" may be at most 20 characters.");
            }
            items.add(new BatchItem(id, text.strip(), locale));
        }
        return items;
    }

    private static JsonNode readLine(ObjectMapper json, String line, int number) {
        try {
            JsonNode n = json.readTree(line);
            if (!n.isObject()) {
                throw ParleyException.badInput("Line " + number + " is not a JSON object.");
            }
            return n;
        } catch (IOException e) {
            throw ParleyException.badInput("Line " + number + " is not JSON.");
        }
    }
}
