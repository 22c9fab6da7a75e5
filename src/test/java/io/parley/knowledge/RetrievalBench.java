package io.parley.knowledge;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Recall of the knowledge search on a folder of Markdown articles and a test set of questions
 * ({@code language TAB question TAB article file}): for each language, the share of questions whose
 * article comes first (recall@1) and among the first three articles (recall@3). The same analyzer,
 * chunking, title boost and BM25 as the running server, with its default settings.
 *
 * <pre>./mvnw -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.parley.knowledge.RetrievalBench \
 *     -Dparley.kb.folder=docs/knowledge/demo-shop -Dparley.kb.questions=src/test/resources/knowledge/retrieval-set.tsv</pre>
 * (system properties, not {@code exec.args}: those would reach the build's own exec execution too)
 */
public final class RetrievalBench {

    /** Recall figures of one language. */
    record Recall(String language, int questions, int at1, int at3, List<String> misses) {
        double recall1() {
            return (double) at1 / questions;
        }

        double recall3() {
            return (double) at3 / questions;
        }

        @Override
        public String toString() {
            return String.format("[retrieval] %s questions=%d recall@1=%.3f recall@3=%.3f", language, questions, recall1(), recall3());
        }
    }

    /** The index of a folder's articles, and each article's file name by id. */
    record Loaded(SearchIndex index, Map<Long, String> files) {
    }

    private RetrievalBench() {
    }

    static Loaded load(Path folder) throws IOException {
        SearchIndex index = new SearchIndex(2.5f, 700);
        Map<Long, String> files = new HashMap<>();
        List<Article> articles = new ArrayList<>();
        ImportParser parser = new ImportParser(new ObjectMapper(), Long.MAX_VALUE);
        try (Stream<Path> paths = Files.list(folder)) {
            for (Path p : paths.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                String name = p.getFileName().toString();
                parser.markdown(name, Files.readString(p, StandardCharsets.UTF_8), ImportParser.sink(item -> {
                    long id = articles.size() + 1;
                    Article.Draft d = item.draft();
                    articles.add(new Article(id, item.key(), d.title(), d.body(), d.language(), d.tags(), d.url(), true, 1, null, "bench"));
                    files.put(id, name);
                }, r -> {
                    throw new IllegalStateException(r.origin() + ": " + r.reason());
                }));
            }
        }
        index.rebuild(articles);
        return new Loaded(index, files);
    }

    static Map<String, Recall> measure(Loaded kb, Path testSet) throws IOException {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, List<String>> misses = new HashMap<>();
        for (String line : Files.readAllLines(testSet, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            List<String> found = kb.index().search(f[1], 3, 1).stream().map(m -> kb.files().get(m.passage().articleId())).toList();
            int[] c = counts.computeIfAbsent(f[0], k -> new int[3]);
            c[0]++;
            if (!found.isEmpty() && found.get(0).equals(f[2])) {
                c[1]++;
            } else {
                misses.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1] + " -> " + found + " (expected " + f[2] + ")");
            }
            if (found.contains(f[2])) {
                c[2]++;
            }
        }
        Map<String, Recall> out = new LinkedHashMap<>();
        counts.forEach((lang, c) -> out.put(lang, new Recall(lang, c[0], c[1], c[2], misses.getOrDefault(lang, List.of()))));
        return out;
    }

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : System.getProperty("parley.kb.folder", "docs/knowledge/demo-shop"));
        Path set = Path.of(args.length > 1 ? args[1]
                : System.getProperty("parley.kb.questions", "src/test/resources/knowledge/retrieval-set.tsv"));
        for (Recall r : measure(load(folder), set).values()) {
            System.out.println(r);
            r.misses().forEach(m -> System.out.println("  missed at 1: " + m));
        }
    }
}
