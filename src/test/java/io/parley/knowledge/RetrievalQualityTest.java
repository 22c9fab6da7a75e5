package io.parley.knowledge;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped demo knowledge base against the retrieval test set (26 English and 26 Chinese customer
 * questions, each with the article that answers it): prints recall@1 and recall@3 per language and
 * holds a floor under them. Also: questions the base cannot answer must not look answerable offline.
 */
class RetrievalQualityTest {

    private static final Path FOLDER = Path.of("docs/knowledge/demo-shop");
    private static final Path SET = Path.of("src/test/resources/knowledge/retrieval-set.tsv");

    @Test
    void recallInBothLanguages() throws Exception {
        RetrievalBench.Loaded kb = RetrievalBench.load(FOLDER);
        Map<String, RetrievalBench.Recall> recall = RetrievalBench.measure(kb, SET);
        recall.values().forEach(r -> {
            System.out.println(r);
            r.misses().forEach(m -> System.out.println("  missed at 1: " + m));
        });
        assertThat(recall.keySet()).containsExactly("en", "zh");
        for (RetrievalBench.Recall r : recall.values()) {
            assertThat(r.questions()).isGreaterThanOrEqualTo(20);
            assertThat(r.recall1()).as(r.language() + " recall@1").isGreaterThanOrEqualTo(0.75);
            assertThat(r.recall3()).as(r.language() + " recall@3").isGreaterThanOrEqualTo(0.85);
        }
    }

    @Test
    void offTopicQuestionsAreNotConfidentMatches() throws Exception {
        RetrievalBench.Loaded kb = RetrievalBench.load(FOLDER);
        double offline = 0.45; // parley.knowledge.offline-min-match's default
        for (String q : List.of("Do you sell shares in your company?", "What's the weather tomorrow?", "Tell me a joke",
                "你们卖股票吗？", "明天天气怎么样", "给我讲个笑话", "hello", "你好", "where is my order AB1234567?", "我的订单 AB1234567 到哪了")) {
            List<SearchIndex.Match> found = kb.index().search(q, 1, 1);
            double match = found.isEmpty() ? 0 : found.get(0).match();
            System.out.printf("[retrieval] off-topic \"%s\" best-match=%.2f%n", q, match);
            assertThat(match).as(q).isLessThan(offline);
        }
        int confident = 0;
        int total = 0;
        for (String line : java.nio.file.Files.readAllLines(SET)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            List<SearchIndex.Match> found = kb.index().search(f[1], 1, 1);
            total++;
            if (!found.isEmpty() && found.get(0).match() >= offline && kb.files().get(found.get(0).passage().articleId()).equals(f[2])) {
                confident++;
            }
        }
        System.out.printf("[retrieval] answered offline from the right article: %d of %d questions%n", confident, total);
        assertThat(confident).isGreaterThanOrEqualTo(total / 2);
    }
}
