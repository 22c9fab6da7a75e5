package io.parley.knowledge;

import io.parley.conversation.ChangeFeed;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This instance's search index of the published articles: rebuilt from PostgreSQL at start and after
 * the change feed reconnects (a change may have been missed meanwhile), and updated on every
 * {@link ChangeFeed#KNOWLEDGE_CHANNEL} notification, so every instance serves the same passages.
 * Index work runs on one thread of its own, off the feed's; rebuilds asked for while one waits coalesce.
 */
@ApplicationScoped
public class KnowledgeIndex implements ChangeFeed.Listener {

    private static final Logger LOG = Logger.getLogger(KnowledgeIndex.class);

    private final Articles articles;
    private final SearchIndex index;
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "parley-knowledge-index");
        t.setDaemon(true);
        return t;
    });

    KnowledgeIndex(Articles articles, KnowledgeConfig config, ChangeFeed feed) {
        this.articles = articles;
        this.index = new SearchIndex(config.titleBoost(), config.passageChars());
        feed.addListener(this);
    }

    /** At start, before the first turn: the index every turn searches is complete from the outset. */
    void start(@Observes StartupEvent event) {
        rebuild();
    }

    @Override
    public void knowledgeChanged(String payload) {
        List<Long> ids = new ArrayList<>();
        try {
            for (String id : payload.split(",")) {
                ids.add(Long.parseLong(id.strip()));
            }
        } catch (NumberFormatException e) {
            rebuildInBackground(); // "*": everything
            return;
        }
        worker.execute(() -> {
            try {
                index.put(ids, articles.publishedAmong(ids));
            } catch (RuntimeException e) {
                LOG.warnf("articles %s not reindexed (rebuilding everything instead): %s", payload, e.getMessage());
                rebuildInBackground();
            }
        });
    }

    @Override
    public void reconnected() {
        rebuildInBackground();
    }

    @Override
    public void stored(java.util.UUID conversationId, long seq, boolean fromThisInstance) {
        // messages are not the index's business
    }

    private void rebuildInBackground() {
        if (rebuildPending.compareAndSet(false, true)) {
            worker.execute(() -> {
                rebuildPending.set(false);
                try {
                    rebuild();
                } catch (RuntimeException e) {
                    LOG.warnf("knowledge index not rebuilt (the previous one keeps serving): %s", e.getMessage());
                }
            });
        }
    }

    private void rebuild() {
        long started = System.nanoTime();
        List<Article> published = articles.published();
        index.rebuild(published);
        LOG.infof("knowledge index rebuilt: %d articles in %d ms", published.size(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Published articles in the index now. */
    public int articles() {
        return index.articles();
    }

    List<SearchIndex.Match> search(String question, int limit, int perArticle) {
        return index.search(question, limit, perArticle);
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
        try {
            index.close();
        } catch (IOException e) {
            LOG.debugf("index closed with %s", e.getMessage());
        }
    }
}
