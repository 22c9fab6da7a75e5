package io.parley.integration.batch;

import io.parley.conversation.StorageException;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Batch jobs and their items in PostgreSQL. Items are claimed with {@code FOR UPDATE SKIP LOCKED}
 * for a lease: instances never take the same item at once, and the items of an instance that died
 * are taken again once their lease ends. Finishing an item counts only while its claimer still holds
 * it, so each item is counted done (or failed) exactly once.
 */
@ApplicationScoped
class BatchStore {

    private final DataSource dataSource;

    BatchStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    record Claimed(UUID jobId, int line, String itemId, String text, String locale, BatchMode mode) {
    }

    /** A finished item: {@code result} is its results line. */
    record Outcome(Claimed item, boolean ok, String result, UUID conversationId) {
    }

    record Job(UUID id, BatchMode mode, String status, int total, int done, int failed, BigDecimal cost, OffsetDateTime createdAt,
               OffsetDateTime finishedAt) {
    }

    void create(UUID id, Long keyId, BatchMode mode, List<BatchItem> items) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement job = c.prepareStatement("insert into batch_job (id, key_id, mode, status, total) values (?, ?, ?, 'running', ?)");
                 PreparedStatement item = c.prepareStatement("insert into batch_item (job_id, line, item_id, text, locale) values (?, ?, ?, ?, ?)")) {
                job.setObject(1, id);
                job.setObject(2, keyId);
                job.setString(3, mode.wire());
                job.setInt(4, items.size());
                job.executeUpdate();
                for (int i = 0; i < items.size(); i++) {
                    BatchItem it = items.get(i);
                    item.setObject(1, id);
                    item.setInt(2, i + 1);
                    item.setString(3, it.id());
                    item.setString(4, it.text());
                    item.setString(5, it.locale());
                    item.addBatch();
                    if ((i + 1) % 1000 == 0) {
                        item.executeBatch();
                    }
                }
                item.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** Up to {@code limit} open items of running {@code mode} jobs, claimed by {@code owner} for {@code lease}. */
    List<Claimed> claim(String owner, BatchMode mode, int limit, Duration lease) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     with open as (select i.job_id, i.line from batch_item i join batch_job j on j.id = i.job_id
                                   where j.status = 'running' and j.mode = ?
                                     and (i.state = 'pending' or (i.state = 'running' and i.claimed_until < now()))
                                   order by j.created_at, i.line limit ? for update of i skip locked)
                     update batch_item b set state = 'running', claimed_by = ?, claimed_until = now() + ? * interval '1 millisecond'
                     from open, batch_job j where b.job_id = open.job_id and b.line = open.line and j.id = b.job_id
                     returning b.job_id, b.line, b.item_id, b.text, b.locale, j.mode""")) {
            ps.setString(1, mode.wire());
            ps.setInt(2, limit);
            ps.setString(3, owner);
            ps.setLong(4, lease.toMillis());
            List<Claimed> claimed = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Claimed(rs.getObject(1, UUID.class), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            BatchMode.of(rs.getString(6))));
                }
            }
            claimed.sort(java.util.Comparator.comparing(Claimed::jobId).thenComparingInt(Claimed::line));
            return claimed;
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** Records finished items in one transaction: those still held by {@code owner} are counted, once. */
    void finish(String owner, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement item = c.prepareStatement("update batch_item set state = ?, result = ?, conversation_id = ?, "
                    + "finished_at = now(), claimed_until = null where job_id = ? and line = ? and state = 'running' and claimed_by = ?");
                 PreparedStatement job = c.prepareStatement("update batch_job set done = done + ?, failed = failed + ?, "
                         + "status = case when status = 'running' and done + failed + ? + ? >= total then 'done' else status end, "
                         + "finished_at = case when status = 'running' and done + failed + ? + ? >= total then now() else finished_at end "
                         + "where id = ?")) {
                for (Outcome o : outcomes) {
                    item.setString(1, o.ok() ? "done" : "failed");
                    item.setString(2, o.result());
                    item.setObject(3, o.conversationId());
                    item.setObject(4, o.item().jobId());
                    item.setInt(5, o.item().line());
                    item.setString(6, owner);
                    item.addBatch();
                }
                int[] updated = item.executeBatch();
                java.util.Map<UUID, int[]> counts = new java.util.HashMap<>();
                for (int i = 0; i < outcomes.size(); i++) {
                    if (updated[i] > 0) {
                        counts.computeIfAbsent(outcomes.get(i).item().jobId(), id -> new int[2])[outcomes.get(i).ok() ? 0 : 1]++;
                    }
                }
                for (var e : counts.entrySet()) {
                    int done = e.getValue()[0];
                    int failed = e.getValue()[1];
                    job.setInt(1, done);
                    job.setInt(2, failed);
                    job.setInt(3, done);
                    job.setInt(4, failed);
                    job.setInt(5, done);
                    job.setInt(6, failed);
                    job.setObject(7, e.getKey());
                    job.executeUpdate();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** The latest jobs' ids, newest first. */
    List<UUID> recent(int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select id from batch_job order by created_at desc limit ?")) {
            ps.setInt(1, limit);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** The job with its cost so far (its items' conversations' model requests). */
    Optional<Job> job(UUID id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select j.id, j.mode, j.status, j.total, j.done, j.failed, j.created_at, j.finished_at,
                            (select coalesce(sum(l.cost), 0) from llm_call l join batch_item i on i.conversation_id = l.conversation_id
                             where i.job_id = j.id) as cost
                     from batch_job j where j.id = ?""")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Job(rs.getObject(1, UUID.class), BatchMode.of(rs.getString(2)), rs.getString(3), rs.getInt(4),
                        rs.getInt(5), rs.getInt(6), rs.getBigDecimal(9), rs.getObject(7, OffsetDateTime.class), rs.getObject(8, OffsetDateTime.class)));
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** Deletes the batches (items cascade) that are done or cancelled and ended before {@code cutoff}. */
    int deleteEndedBefore(Instant cutoff) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from batch_job where status <> 'running' and finished_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** Stops handing out the job's items (those being worked on finish); false when it is not running. */
    boolean cancel(UUID id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update batch_job set status = 'cancelled', finished_at = now() where id = ? and status = 'running'")) {
            ps.setObject(1, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** The results lines finished so far, in item order, a page at a time (memory stays bounded for any size). */
    void results(UUID id, Consumer<String> line) {
        int after = 0;
        while (true) {
            int last = after;
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("select line, result from batch_item where job_id = ? and line > ? "
                         + "and state in ('done', 'failed') order by line limit 1000")) {
                ps.setObject(1, id);
                ps.setInt(2, after);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getInt(1);
                        line.accept(rs.getString(2));
                    }
                }
            } catch (SQLException e) {
                throw new StorageException(e);
            }
            if (last == after) {
                return;
            }
            after = last;
        }
    }
}
