package io.parley.knowledge;

import io.parley.answer.Passage;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The published articles' passages in an in-memory Lucene index, searched with BM25 over the title
 * (boosted) and the passage text. Writers are serialised by the caller; searches run concurrently and
 * see a change once it is complete (near-real-time reader, refreshed after each change).
 */
final class SearchIndex implements Closeable {

    /** Words of a question that say nothing about its subject: ignored when measuring how much of it a passage covers. */
    private static final Set<String> QUESTION_WORDS = Set.copyOf(Analysis.terms(
            "how what when where why which who whom do does did doing done i me my mine you your we us our can could would should "
                    + "may might must am is are was were be been please hi hello hey thanks thank get got want need know tell much many long"));
    /** Chinese characters that make a sentence a question or a request, not its subject. */
    private static final String HAN_FUNCTION_CHARS = "的了吗呢吧啊呀么怎样什哪谁为我你您他她们是在有要想请问还都就也和与个这那能可以会吧嘛";
    private static final int MAX_QUERY_TERMS = 96;
    private static final float UNIGRAM_WEIGHT = 0.1f;

    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final float titleBoost;
    private final int passageChars;
    private volatile int articles;

    SearchIndex(float titleBoost, int passageChars) {
        this.titleBoost = titleBoost;
        this.passageChars = passageChars;
        try {
            IndexWriterConfig config = new IndexWriterConfig(Analysis.ANALYZER).setSimilarity(new BM25Similarity());
            writer = new IndexWriter(directory, config);
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many articles the index holds. */
    int articles() {
        return articles;
    }

    /** Replaces everything with these articles (published ones only are given). */
    synchronized void rebuild(Collection<Article> published) {
        try {
            writer.deleteAll();
            for (Article a : published) {
                writer.addDocuments(documents(a));
            }
            articles = published.size();
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces these articles' passages; an id without an article (deleted or unpublished) loses them. */
    synchronized void put(Collection<Long> ids, Map<Long, Article> published) {
        try {
            for (long id : ids) {
                Term key = new Term("article", Long.toString(id));
                boolean had = count(key) > 0;
                writer.deleteDocuments(key);
                Article article = published.get(id);
                if (article != null) {
                    writer.addDocuments(documents(article));
                }
                articles += (article != null ? 1 : 0) - (had ? 1 : 0);
            }
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int count(Term key) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.count(new TermQuery(key));
        } finally {
            searchers.release(s);
        }
    }

    private List<Document> documents(Article a) {
        List<Document> docs = new ArrayList<>();
        List<String> chunks = Chunker.chunks(a.body(), passageChars);
        String tags = String.join(" ", a.tags());
        for (int i = 0; i < chunks.size(); i++) {
            Document d = new Document();
            d.add(new StringField("article", Long.toString(a.id()), Field.Store.YES));
            d.add(new StoredField("chunk", i));
            d.add(new TextField("title", a.title() + (tags.isEmpty() ? "" : " " + tags), Field.Store.NO));
            d.add(new StoredField("title_text", a.title()));
            d.add(new TextField("body", chunks.get(i), Field.Store.YES));
            if (a.url() != null) {
                d.add(new StoredField("url", a.url()));
            }
            docs.add(d);
        }
        return docs;
    }

    /**
     * The best passages for {@code question}, best first, at most {@code perArticle} of one article.
     * Each carries its BM25 score and its match: how much of the question's rarer words it contains (0 to 1).
     */
    List<Match> search(String question, int limit, int perArticle) {
        List<String> terms = new ArrayList<>(Analysis.terms(question));
        if (terms.isEmpty() || articles == 0) {
            return List.of();
        }
        terms = terms.subList(0, Math.min(terms.size(), MAX_QUERY_TERMS));
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (String t : terms) {
            // a single Chinese character says less than a two-character word: it only rescues what bigrams miss
            float weight = han(t) && t.codePointCount(0, t.length()) == 1 ? (HAN_FUNCTION_CHARS.indexOf(t) >= 0 ? 0 : UNIGRAM_WEIGHT) : 1;
            if (weight == 0) {
                continue;
            }
            q.add(new BoostQuery(new TermQuery(new Term("title", t)), titleBoost * weight), BooleanClause.Occur.SHOULD);
            q.add(new BoostQuery(new TermQuery(new Term("body", t)), weight), BooleanClause.Occur.SHOULD);
        }
        try {
            IndexSearcher s = searchers.acquire();
            try {
                Map<String, Double> idf = weights(s, terms);
                List<Match> out = new ArrayList<>();
                Map<Long, Integer> perArticleCount = new HashMap<>();
                for (ScoreDoc hit : s.search(q.build(), limit * 4 + 8).scoreDocs) {
                    Document d = s.storedFields().document(hit.doc);
                    long article = Long.parseLong(d.get("article"));
                    if (perArticleCount.merge(article, 1, Integer::sum) > perArticle) {
                        continue;
                    }
                    String title = d.get("title_text");
                    String text = d.get("body");
                    Passage p = new Passage(article, d.getField("chunk").numericValue().intValue(), title, d.get("url"), text, hit.score);
                    out.add(new Match(p, cover(idf, Analysis.terms(title + "\n" + text))));
                    if (out.size() == limit) {
                        break;
                    }
                }
                return out;
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A passage found, and how much of the question it covers. */
    record Match(Passage passage, double match) {
    }

    /**
     * The units a question's cover is measured in: English (and other) words, and single Chinese
     * characters (a bigram across a word boundary, "货吗" in "可以退货吗", would count against every article),
     * without the words that only make it a question. Each weighs its rarity (BM25's idf); a unit no
     * article has weighs the most, so a question about something the base does not know covers little.
     */
    private static Map<String, Double> weights(IndexSearcher s, List<String> terms) throws IOException {
        Map<String, Double> out = new HashMap<>();
        long n = Math.max(1, s.getIndexReader().numDocs());
        for (String t : terms) {
            boolean han = han(t);
            if (han && t.codePointCount(0, t.length()) > 1 || QUESTION_WORDS.contains(t) || han && HAN_FUNCTION_CHARS.indexOf(t) >= 0) {
                continue;
            }
            int df = Math.max(s.getIndexReader().docFreq(new Term("title", t)), s.getIndexReader().docFreq(new Term("body", t)));
            out.put(t, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
        }
        return out;
    }

    /** One word alone ("hello", "你好", "refund") is too little to be sure of: its cover stays below the offline threshold. */
    private static double cover(Map<String, Double> idf, Set<String> passageTerms) {
        if (idf.size() == 1) {
            return Math.min(0.4, coverAll(idf, passageTerms));
        }
        return coverAll(idf, passageTerms);
    }

    private static double coverAll(Map<String, Double> idf, Set<String> passageTerms) {
        double total = 0;
        double found = 0;
        for (Map.Entry<String, Double> e : idf.entrySet()) {
            total += e.getValue();
            if (passageTerms.contains(e.getKey())) {
                found += e.getValue();
            }
        }
        return total == 0 ? 0 : found / total;
    }

    private static boolean han(String term) {
        return term.codePoints().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN);
    }

    @Override
    public void close() throws IOException {
        searchers.close();
        writer.close();
        directory.close();
    }
}
