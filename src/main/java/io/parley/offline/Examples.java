package io.parley.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled utterances: the shipped training set, a business's own examples, an evaluation file.
 * Two formats: TSV ({@code intent<TAB>text}, {@code #} starts a comment) and JSONL
 * ({@code {"intent": "...", "text": "..."}} per line).
 */
public final class Examples {

    public record Example(String intent, String text) {
    }

    /** The training set shipped with Parley, both languages. */
    static final List<String> SHIPPED = List.of("offline/train-en.tsv", "offline/train-zh.tsv");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Examples() {
    }

    static List<Example> shipped() {
        List<Example> all = new ArrayList<>();
        for (String resource : SHIPPED) {
            try (InputStream in = Examples.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing training resource " + resource);
                }
                all.addAll(read(in, false, resource));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    /** A file given by a user: JSONL when its name ends in {@code .jsonl} or {@code .json}, TSV otherwise. */
    public static List<Example> file(Path path) {
        String name = path.getFileName().toString();
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, name.endsWith(".jsonl") || name.endsWith(".json"), name);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    private static List<Example> read(InputStream in, boolean jsonl, String source) throws IOException {
        List<Example> out = new ArrayList<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int n = 0;
        for (String line; (line = lines.readLine()) != null; ) {
            n++;
            if (line.isBlank() || (!jsonl && line.startsWith("#"))) {
                continue;
            }
            String intent;
            String text;
            if (jsonl) {
                JsonNode node = JSON.readTree(line);
                intent = node.path("intent").asText("");
                text = node.path("text").asText("");
            } else {
                int tab = line.indexOf('\t');
                intent = tab < 0 ? "" : line.substring(0, tab).strip();
                text = tab < 0 ? "" : line.substring(tab + 1).strip();
            }
            if (intent.isEmpty() || text.isEmpty()) {
                throw new IllegalArgumentException(source + " line " + n + ": needs an intent and a text");
            }
            out.add(new Example(intent, text));
        }
        return out;
    }
}
