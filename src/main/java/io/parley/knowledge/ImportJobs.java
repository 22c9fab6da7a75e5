package io.parley.knowledge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Imports run one at a time on their own thread, in transactions of {@value #BATCH} articles, each
 * committed with a notification so that the search index follows as the import goes. Progress and the
 * report (added, changed, unchanged, rejected with the reason) are kept in memory for the last
 * {@value #KEPT} imports: enough for the console to follow one; the articles themselves are in PostgreSQL.
 */
@ApplicationScoped
public class ImportJobs {

    private static final Logger LOG = Logger.getLogger(ImportJobs.class);
    static final int BATCH = 200;
    static final int KEPT = 20;
    /** Rejections listed one by one in a report; beyond that they are only counted. */
    static final int MAX_LISTED = 1000;
    /** A NOTIFY payload is at most 8000 bytes. */
    private static final int MAX_PAYLOAD = 7000;

    /** A file of an import: its name (which says its kind) and where its bytes are. */
    public record Upload(String name, Path file) {
    }

    public enum State { running, done, failed }

    /** An import's progress and, once done, its report. */
    public static final class Job {
        public final String id = UUID.randomUUID().toString();
        public final String by;
        public final Instant startedAt = Instant.now();
        public volatile State state = State.running;
        public volatile Instant finishedAt;
        public volatile int total;
        public final AtomicInteger processed = new AtomicInteger();
        public final AtomicInteger added = new AtomicInteger();
        public final AtomicInteger changed = new AtomicInteger();
        public final AtomicInteger unchanged = new AtomicInteger();
        public final AtomicInteger rejectedCount = new AtomicInteger();
        public final List<ImportParser.Rejected> rejected = new ArrayList<>();
        public volatile String error;

        Job(String by) {
            this.by = by;
        }

        synchronized void reject(ImportParser.Rejected r) {
            rejectedCount.incrementAndGet();
            if (rejected.size() < MAX_LISTED) {
                rejected.add(r);
            }
        }

        public synchronized List<ImportParser.Rejected> rejectedListed() {
            return List.copyOf(rejected);
        }
    }

    private final Articles articles;
    private final KnowledgeConfig config;
    private final ObjectMapper json;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "parley-knowledge-import");
        t.setDaemon(true);
        return t;
    });

    ImportJobs(Articles articles, KnowledgeConfig config, ObjectMapper json) {
        this.articles = articles;
        this.config = config;
        this.json = json;
    }

    /**
     * Reads the files now (a bad zip or too much text is refused at once, with nothing stored), then
     * stores the articles in the background. The uploads' files are deleted once read.
     */
    public Job start(List<Upload> uploads, boolean publish, String by) {
        if (uploads == null || uploads.isEmpty()) {
            throw ParleyException.badInput("Send one or more files: Markdown (.md), a zip of them, CSV or JSON lines (.jsonl).");
        }
        Job job = new Job(by);
        List<ImportParser.Item> items = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        ImportParser parser = new ImportParser(json, config.maxImportBytes());
        ImportParser.Sink sink = ImportParser.sink(item -> {
            String first = seen.putIfAbsent(item.key(), item.origin());
            if (first != null) {
                job.reject(new ImportParser.Rejected(item.origin(), "the same article as " + first + " (same id or question) in this import"));
            } else if (items.size() >= config.maxImportItems()) {
                job.reject(new ImportParser.Rejected(item.origin(), "over " + config.maxImportItems() + " articles in one import"));
            } else {
                items.add(item);
            }
        }, job::reject);
        try {
            for (Upload u : uploads) {
                try (InputStream in = Files.newInputStream(u.file())) {
                    parser.parse(u.name() == null ? "upload" : u.name(), in, sink);
                }
            }
        } catch (IOException e) {
            throw ParleyException.badInput("The files could not be read: " + e.getMessage());
        }
        job.total = items.size();
        synchronized (jobs) {
            jobs.put(job.id, job);
            while (jobs.size() > KEPT) {
                String oldest = jobs.keySet().iterator().next();
                if (jobs.get(oldest).state == State.running) {
                    break;
                }
                jobs.remove(oldest);
            }
        }
        worker.execute(() -> run(job, items, publish));
        return job;
    }

    public Job get(String id) {
        synchronized (jobs) {
            Job job = jobs.get(id);
            if (job == null) {
                throw new ParleyException(ErrorCode.NOT_FOUND, "No import " + id + " (only the last " + KEPT + " are kept).");
            }
            return job;
        }
    }

    private void run(Job job, List<ImportParser.Item> items, boolean publish) {
        try {
            for (int from = 0; from < items.size(); from += BATCH) {
                List<ImportParser.Item> batch = items.subList(from, Math.min(items.size(), from + BATCH));
                store(job, batch, publish);
            }
            job.state = State.done;
            LOG.infof("knowledge import %s by %s: added=%d changed=%d unchanged=%d rejected=%d", job.id, job.by, job.added.get(),
                    job.changed.get(), job.unchanged.get(), job.rejectedCount.get());
        } catch (RuntimeException | SQLException e) {
            job.state = State.failed;
            job.error = "The import stopped after " + job.processed.get() + " articles: the database could not store them. "
                    + "Import the same files again to finish it (articles already stored are recognised).";
            LOG.warnf("knowledge import %s failed after %d articles: %s", job.id, job.processed.get(), e.getMessage());
        } finally {
            job.finishedAt = Instant.now();
        }
    }

    private void store(Job job, List<ImportParser.Item> batch, boolean publish) throws SQLException {
        Map<Articles.Outcome, Integer> counts = new HashMap<>();
        StringJoiner changedIds = new StringJoiner(",");
        try (Connection c = articles.connection()) {
            c.setAutoCommit(false);
            try {
                for (ImportParser.Item item : batch) {
                    boolean pub = item.draft().published() != null ? item.draft().published() : publish;
                    Articles.Upserted done = articles.upsert(c, item.key(), item.draft(), pub, job.by);
                    counts.merge(done.outcome(), 1, Integer::sum);
                    if (done.outcome() != Articles.Outcome.unchanged) {
                        changedIds.add(Long.toString(done.id()));
                    }
                }
                if (changedIds.length() > 0) {
                    // the batch's ids (about 1.5 KB for 200): every index updates those articles, not all of them
                    Articles.notifyChange(c, changedIds.length() <= MAX_PAYLOAD ? changedIds.toString() : "*");
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        job.added.addAndGet(counts.getOrDefault(Articles.Outcome.added, 0));
        job.changed.addAndGet(counts.getOrDefault(Articles.Outcome.changed, 0));
        job.unchanged.addAndGet(counts.getOrDefault(Articles.Outcome.unchanged, 0));
        job.processed.addAndGet(batch.size());
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
