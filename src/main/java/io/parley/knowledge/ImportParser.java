package io.parley.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.failure.ParleyException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Turns uploaded files into articles: Markdown files (one article each, an optional front matter of
 * {@code key: value} lines between {@code ---} lines), a zip of a folder of them, a CSV with a header
 * ({@code question,answer[,tags,url,language,id,published]}) or JSON lines of the same fields (one pair
 * a line). Whatever cannot be used is reported with its place and the reason, never silently dropped.
 */
final class ImportParser {

    /** One article found, under the key that recognises it again in a later import. */
    record Item(String key, String origin, Article.Draft draft) {
    }

    record Rejected(String origin, String reason) {
    }

    interface Sink {
        void item(Item item);

        void rejected(Rejected rejected);
    }

    private final ObjectMapper json;
    private final long maxBytes;
    private long bytes;

    ImportParser(ObjectMapper json, long maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
    }

    void parse(String name, InputStream in, Sink sink) throws IOException {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".zip")) {
            zip(in, sink);
        } else if (lower.endsWith(".md") || lower.endsWith(".markdown")) {
            markdown(name, text(in), sink);
        } else if (lower.endsWith(".csv")) {
            csv(name, text(in), sink);
        } else if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            jsonl(name, text(in), sink);
        } else {
            sink.rejected(new Rejected(name, "not a Markdown (.md), CSV (.csv), JSON lines (.jsonl) or zip file"));
        }
    }

    private void zip(InputStream in, Sink sink) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String entry = e.getName();
                String base = entry.substring(entry.lastIndexOf('/') + 1);
                if (e.isDirectory() || base.startsWith(".") || entry.startsWith("__MACOSX/")) {
                    continue;
                }
                if (base.toLowerCase(Locale.ROOT).endsWith(".zip")) {
                    sink.rejected(new Rejected(entry, "a zip inside the zip is not opened"));
                    continue;
                }
                parse(entry, zip, sink);
            }
        } catch (IllegalArgumentException e) {
            throw ParleyException.badInput("The zip file could not be read: " + e.getMessage());
        }
    }

    /** The whole stream as UTF-8 (a BOM dropped), counting against the import's byte budget. */
    private String text(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            bytes += n;
            if (bytes > maxBytes) {
                throw ParleyException.badInput("The import holds more than " + maxBytes / (1024 * 1024) + " MB of text once unzipped.");
            }
            out.write(buffer, 0, n);
        }
        String s = out.toString(StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    void markdown(String path, String text, Sink sink) {
        Map<String, String> meta = new TreeMap<>();
        String body = text.replace("\r\n", "\n");
        if (body.startsWith("---\n")) {
            int end = body.indexOf("\n---", 4);
            if (end > 0) {
                for (String line : body.substring(4, end).split("\n")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        meta.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), unquote(line.substring(colon + 1).strip()));
                    }
                }
                body = body.substring(body.indexOf('\n', end + 1) < 0 ? body.length() : body.indexOf('\n', end + 1) + 1);
            }
        }
        String title = meta.get("title");
        String stripped = body.strip();
        if (title == null && stripped.startsWith("# ")) {
            int eol = stripped.indexOf('\n');
            title = (eol < 0 ? stripped.substring(2) : stripped.substring(2, eol)).strip();
            body = eol < 0 ? "" : stripped.substring(eol + 1);
        }
        if (title == null) {
            String base = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.[^.]+$", "");
            title = base.replace('-', ' ').replace('_', ' ').strip();
        }
        String key = "md:" + meta.getOrDefault("id", path);
        add(sink, key, path, title, body, meta.get("language"), meta.get("tags"), meta.get("url"), meta.get("published"));
    }

    void csv(String name, String text, Sink sink) {
        List<List<String>> rows = Csv.parse(text);
        if (rows.isEmpty()) {
            sink.rejected(new Rejected(name, "empty file"));
            return;
        }
        List<String> header = rows.get(0).stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        int q = column(header, "question", "title");
        int a = column(header, "answer", "body");
        if (q < 0 || a < 0) {
            sink.rejected(new Rejected(name, "the first line must name the columns, with question (or title) and answer (or body)"));
            return;
        }
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            String origin = name + " row " + (r + 1);
            if (row.size() > header.size()) {
                sink.rejected(new Rejected(origin, "more cells (" + row.size() + ") than columns (" + header.size() + "); quote cells that contain commas"));
                continue;
            }
            String question = cell(row, q);
            String id = cell(row, column(header, "id", "key"));
            qa(sink, origin, id, question, cell(row, a), cell(row, column(header, "language", "lang")), cell(row, column(header, "tags")),
                    cell(row, column(header, "url", "link")), cell(row, column(header, "published")));
        }
    }

    void jsonl(String name, String text, Sink sink) {
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String origin = name + " line " + (i + 1);
            JsonNode n;
            try {
                n = json.readTree(lines[i]);
            } catch (IOException e) {
                sink.rejected(new Rejected(origin, "not a JSON object"));
                continue;
            }
            if (n == null || !n.isObject()) {
                sink.rejected(new Rejected(origin, "not a JSON object"));
                continue;
            }
            JsonNode tags = n.get("tags");
            String tagText = tags == null ? null : tags.isArray() ? String.join(",", json.convertValue(tags, String[].class)) : tags.asText();
            qa(sink, origin, str(n, "id"), first(str(n, "question"), str(n, "title")), first(str(n, "answer"), str(n, "body")),
                    str(n, "language"), tagText, str(n, "url"), str(n, "published"));
        }
    }

    private void qa(Sink sink, String origin, String id, String question, String answer, String language, String tags, String url,
                    String published) {
        if (question == null || question.isBlank()) {
            sink.rejected(new Rejected(origin, "no question"));
            return;
        }
        String key = "qa:" + (id != null && !id.isBlank() ? id.strip() : question.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " "));
        add(sink, key, origin, question, answer, language, tags, url, published);
    }

    private void add(Sink sink, String key, String origin, String title, String body, String language, String tags, String url,
                     String published) {
        ArticleLanguage lang = null;
        if (language != null && !language.isBlank()) {
            lang = ArticleLanguage.of(language);
            if (lang == null) {
                sink.rejected(new Rejected(origin, "language \"" + ArticleRules.shorten(language) + "\" is not zh-CN, en or both"));
                return;
            }
        }
        Boolean pub = published == null || published.isBlank() ? null : Boolean.valueOf(published.strip().equalsIgnoreCase("true")
                || published.strip().equals("1") || published.strip().equalsIgnoreCase("yes"));
        try {
            Article.Draft d = ArticleRules.check(new Article.Draft(title, body, lang, ArticleRules.tags(tags), url, pub));
            sink.item(new Item(key.length() > 500 ? key.substring(0, 500) : key, origin, d));
        } catch (ParleyException e) {
            sink.rejected(new Rejected(origin, e.getMessage()));
        }
    }

    private static int column(List<String> header, String... names) {
        for (String n : names) {
            int i = header.indexOf(n);
            if (i >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String cell(List<String> row, int i) {
        return i < 0 || i >= row.size() ? null : row.get(i);
    }

    private static String str(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'")) ? s.substring(1, s.length() - 1) : s;
    }

    /** A consumer-based sink, for tests and for the index's sample loading. */
    static Sink sink(Consumer<Item> items, Consumer<Rejected> rejected) {
        return new Sink() {
            @Override
            public void item(Item item) {
                items.accept(item);
            }

            @Override
            public void rejected(Rejected r) {
                rejected.accept(r);
            }
        };
    }

    /** RFC 4180: quoted cells may hold commas, quotes ("") and line breaks. */
    static final class Csv {
        private Csv() {
        }

        static List<List<String>> parse(String text) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cell.append(c);
                    }
                } else if (c == '"' && cell.isEmpty()) {
                    quoted = true;
                } else if (c == ',') {
                    row.add(cell.toString());
                    cell.setLength(0);
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    row.add(cell.toString());
                    cell.setLength(0);
                    rows.add(row);
                    row = new ArrayList<>();
                } else {
                    cell.append(c);
                }
            }
            if (!cell.isEmpty() || !row.isEmpty()) {
                row.add(cell.toString());
                rows.add(row);
            }
            return rows;
        }
    }
}
