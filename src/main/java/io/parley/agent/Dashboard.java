package io.parley.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.conversation.ConversationStatus;
import io.parley.failure.ParleyException;
import io.parley.llm.LlmConfig;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The supervisors' dashboard: the figures of the Grafana dashboard (deploy/grafana/parley.json) per
 * time bucket, read from PostgreSQL, so they are there without Prometheus. Four aggregate queries, each
 * bounded by the range's window and bucket count and served by V10's time indexes; each returns its
 * buckets and, through a grouping set, the whole window's figure (a percentile is not a sum of buckets).
 * Concurrency is not stored: it is this instance's live gauge.
 */
@ApplicationScoped
public class Dashboard {

    /** The guide's thresholds, drawn as lines on the charts (the alert rules use the same numbers). */
    public record Thresholds(int latencyMs, double errorRate, double concurrency) {
        static final Thresholds GUIDE = new Thresholds(500, 0.05, 0.80);
    }

    /** What the page offers: a window of a fixed number of buckets. */
    public enum Range {
        HOUR(Duration.ofMinutes(1), 60), DAY(Duration.ofMinutes(15), 96), WEEK(Duration.ofHours(2), 84);

        final Duration bucket;
        final int buckets;

        Range(Duration bucket, int buckets) {
            this.bucket = bucket;
            this.buckets = buckets;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Range parse(String wire) {
            for (Range r : values()) {
                if (r.wire().equals(wire)) {
                    return r;
                }
            }
            throw ParleyException.badInput("range must be hour, day or week, not \"" + wire + "\".");
        }
    }

    /**
     * One bucket (or the whole window): customer turns, complete answers by source, latency of the
     * answers (to the first text: p50, p95, p99; to the end: p95), model attempts and the failed ones,
     * cost, hand-offs (conversations that started waiting for a person) and ratings (1-5).
     */
    public record Figures(long t, long turns, long answers, long modelAnswers, long offlineAnswers, long cachedAnswers,
                          Double p50FirstTextMs, Double p95FirstTextMs, Double p99FirstTextMs, Double p95TotalMs,
                          long modelCalls, long failedCalls, Double errorRate, double cost,
                          long handoffs, long ratings, Double csat) {
    }

    /** A configured limit's use now on this instance (open model streams / the provider's max-concurrent). */
    public record Concurrency(String limit, String provider, double ratio) {
    }

    public record View(String range, long bucketSeconds, long from, long to, String currency, Thresholds thresholds,
                       Figures total, List<Figures> buckets, double concurrencyNow, List<Concurrency> concurrency) {
    }

    private static final String MESSAGES = """
            select b, count(*) filter (where role = 'customer'), count(*) filter (where role = 'assistant'),
                   count(*) filter (where source = 'model'), count(*) filter (where source = 'offline'),
                   count(*) filter (where source = 'cache'),
                   percentile_cont(0.5) within group (order by first_token_ms) filter (where role = 'assistant'),
                   percentile_cont(0.95) within group (order by first_token_ms) filter (where role = 'assistant'),
                   percentile_cont(0.99) within group (order by first_token_ms) filter (where role = 'assistant'),
                   percentile_cont(0.95) within group (order by total_ms) filter (where role = 'assistant')
            from (select floor(extract(epoch from created_at - ?::timestamptz) / ?)::int b, role, source, first_token_ms, total_ms
                  from message where created_at >= ? and created_at < ?
                   and (role = 'customer' or (role = 'assistant' and state = 'complete'))) m
            group by grouping sets ((b), ())
            """;

    private static final String CALLS = """
            select b, count(*), count(*) filter (where outcome <> 'ok'), coalesce(sum(cost), 0)
            from (select floor(extract(epoch from created_at - ?::timestamptz) / ?)::int b, outcome, cost
                  from llm_call where created_at >= ? and created_at < ?) c
            group by grouping sets ((b), ())
            """;

    private static final String HANDOFFS = """
            select b, count(*)
            from (select floor(extract(epoch from at - ?::timestamptz) / ?)::int b
                  from conversation_event where at >= ? and at < ? and to_status = ?) e
            group by grouping sets ((b), ())
            """;

    private static final String RATINGS = """
            select b, count(*), avg(rating)::float8
            from (select floor(extract(epoch from rated_at - ?::timestamptz) / ?)::int b, rating
                  from conversation where rated_at >= ? and rated_at < ?) r
            group by grouping sets ((b), ())
            """;

    private final DataSource dataSource;
    private final MeterRegistry metrics;
    private final String currency;

    Dashboard(DataSource dataSource, MeterRegistry metrics, LlmConfig llm) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.currency = llm.currency();
    }

    public View view(Range range) {
        long width = range.bucket.toSeconds();
        // the last bucket is the current one: the window ends at the end of the bucket that holds now
        long to = (Instant.now().getEpochSecond() / width + 1) * width;
        long from = to - width * range.buckets;
        Acc[] buckets = new Acc[range.buckets];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Acc(from + i * width);
        }
        Acc total = new Acc(from);
        OffsetDateTime start = OffsetDateTime.ofInstant(Instant.ofEpochSecond(from), ZoneOffset.UTC);
        OffsetDateTime end = OffsetDateTime.ofInstant(Instant.ofEpochSecond(to), ZoneOffset.UTC);
        try (Connection c = dataSource.getConnection()) {
            query(c, MESSAGES, start, end, width, null, buckets, total, (a, rs) -> {
                a.turns = rs.getLong(2);
                a.answers = rs.getLong(3);
                a.modelAnswers = rs.getLong(4);
                a.offlineAnswers = rs.getLong(5);
                a.cachedAnswers = rs.getLong(6);
                a.p50 = real(rs, 7);
                a.p95 = real(rs, 8);
                a.p99 = real(rs, 9);
                a.p95Total = real(rs, 10);
            });
            query(c, CALLS, start, end, width, null, buckets, total, (a, rs) -> {
                a.calls = rs.getLong(2);
                a.failed = rs.getLong(3);
                a.cost = rs.getBigDecimal(4);
            });
            query(c, HANDOFFS, start, end, width, ConversationStatus.WAITING_AGENT.wire(), buckets, total,
                    (a, rs) -> a.handoffs = rs.getLong(2));
            query(c, RATINGS, start, end, width, null, buckets, total, (a, rs) -> {
                a.ratings = rs.getLong(2);
                a.csat = real(rs, 3);
            });
        } catch (SQLException e) {
            throw ParleyException.of(e);
        }
        List<Concurrency> concurrency = concurrency();
        double now = concurrency.stream().mapToDouble(Concurrency::ratio).max().orElse(0);
        return new View(range.wire(), width, from, to, currency, Thresholds.GUIDE, total.figures(),
                java.util.Arrays.stream(buckets).map(Acc::figures).toList(), now, concurrency);
    }

    /** Every {@code parley_concurrency_ratio} gauge of this instance, highest first. */
    List<Concurrency> concurrency() {
        List<Concurrency> out = new ArrayList<>();
        for (Gauge g : metrics.find("parley.concurrency.ratio").gauges()) {
            double v = g.value();
            out.add(new Concurrency(g.getId().getTag("limit"), g.getId().getTag("provider"), Double.isFinite(v) ? v : 0));
        }
        out.sort(Comparator.comparingDouble(Concurrency::ratio).reversed());
        return out;
    }

    @FunctionalInterface
    private interface Reader {
        void read(Acc into, ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, OffsetDateTime start, OffsetDateTime end, long width, String extra,
                              Acc[] buckets, Acc total, Reader reader) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, start);
            ps.setLong(2, width);
            ps.setObject(3, start);
            ps.setObject(4, end);
            if (extra != null) {
                ps.setString(5, extra);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int b = rs.getInt(1);
                    if (rs.wasNull()) {
                        reader.read(total, rs);
                    } else if (b >= 0 && b < buckets.length) {
                        reader.read(buckets[b], rs);
                    }
                }
            }
        }
    }

    private static Double real(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    /** A bucket being filled by the four queries. */
    private static final class Acc {
        final long t;
        long turns, answers, modelAnswers, offlineAnswers, cachedAnswers, calls, failed, handoffs, ratings;
        Double p50, p95, p99, p95Total, csat;
        BigDecimal cost = BigDecimal.ZERO;

        Acc(long t) {
            this.t = t;
        }

        Figures figures() {
            return new Figures(t, turns, answers, modelAnswers, offlineAnswers, cachedAnswers, p50, p95, p99, p95Total,
                    calls, failed, calls == 0 ? null : (double) failed / calls, cost.doubleValue(), handoffs, ratings, csat);
        }
    }
}
