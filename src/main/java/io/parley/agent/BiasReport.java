package io.parley.agent;

import io.parley.failure.ParleyException;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Answer quality by language, channel or site over a period, for spotting groups of customers the
 * assistant serves worse: intent agreement with agents' corrections, hand-off rate, CSAT, median answer
 * time, fallback rate. A group's signal is highlighted when it differs from the whole period's by more
 * than the margin (relative), and only when the group is large enough to tell.
 */
@ApplicationScoped
public class BiasReport {

    @ConfigMapping(prefix = "parley.reports.bias")
    public interface Config {
        /** A group's signal is highlighted when it differs from everyone's by more than this share (0.15: 15 %). */
        @WithDefault("0.15")
        double margin();

        /** Groups with fewer answers (or conversations, for hand-offs and CSAT) are listed but never highlighted. */
        @WithDefault("10")
        int minSample();
    }

    /** What a group is. Channel: the widget on a business's site, or Parley's own chat page. */
    public enum By {
        LANGUAGE("case when c.locale is null then 'unknown' else lower(split_part(c.locale, '-', 1)) end"),
        CHANNEL("case when c.site is null then 'chat page' else 'widget' end"),
        SITE("coalesce(c.site, '(chat page)')");

        final String sql;

        By(String sql) {
            this.sql = sql;
        }

        static By parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ParleyException.badInput("\"by\" is language, channel or site.");
            }
        }
    }

    /**
     * One group's signals (null when there is nothing to measure).
     *
     * @param intentAgreement share of the answers agents reviewed whose intent they kept
     * @param fallbackRate    share of answers not from the model, with intent unknown, or cut short
     * @param highlighted     the signals that differ from everyone's by more than the margin
     */
    public record Row(String group, long conversations, long answers, Double intentAgreement, Double handoffRate, Double csat,
                      Double responseMsP50, Double fallbackRate, List<String> highlighted) {
    }

    public record Report(OffsetDateTime from, OffsetDateTime to, String by, double margin, int minSample, Row overall, List<Row> groups) {
    }

    private final DataSource dataSource;
    private final Config config;

    BiasReport(DataSource dataSource, Config config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    public Report report(OffsetDateTime from, OffsetDateTime to, String by, Double margin, Integer minSample) {
        By dimension = By.parse(by);
        double m = margin == null ? config.margin() : margin;
        int min = minSample == null ? config.minSample() : minSample;
        if (!from.isBefore(to) || m <= 0 || min < 1) {
            throw ParleyException.badInput("\"from\" must be before \"to\", \"margin\" above 0, \"minSample\" at least 1.");
        }
        Map<String, long[]> conversations = new LinkedHashMap<>();
        Map<String, Double> csat = new LinkedHashMap<>();
        Map<String, double[]> answers = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("select " + dimension.sql + " as grp, count(*), count(*) filter (where exists "
                    + "(select 1 from conversation_event e where e.conversation_id = c.id and e.to_status = 'waiting_agent')), avg(c.rating) "
                    + "from conversation c where c.created_at >= ? and c.created_at < ? group by grouping sets ((" + dimension.sql + "), ())")) {
                ps.setObject(1, from);
                ps.setObject(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        conversations.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                        csat.put(rs.getString(1), toDouble(rs.getObject(4)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select " + dimension.sql + " as grp, count(*), "
                    + "count(*) filter (where m.corrected_intent is not null), count(*) filter (where m.corrected_intent = m.intent), "
                    + "percentile_cont(0.5) within group (order by m.total_ms), "
                    + "count(*) filter (where m.source is distinct from 'model' or m.intent = 'unknown' or m.state <> 'complete') "
                    + "from message m join conversation c on c.id = m.conversation_id where m.role = 'assistant' and m.seq is not null "
                    + "and m.created_at >= ? and m.created_at < ? group by grouping sets ((" + dimension.sql + "), ())")) {
                ps.setObject(1, from);
                ps.setObject(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        answers.put(rs.getString(1), new double[] {rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                rs.getObject(5) == null ? Double.NaN : rs.getDouble(5), rs.getLong(6)});
                    }
                }
            }
        } catch (SQLException e) {
            throw ParleyException.of(e);
        }
        Row overall = row("all", conversations.get(null), csat.get(null), answers.get(null), null, m, min);
        List<Row> groups = new ArrayList<>();
        java.util.Set<String> names = new java.util.TreeSet<>();
        conversations.keySet().stream().filter(java.util.Objects::nonNull).forEach(names::add);
        answers.keySet().stream().filter(java.util.Objects::nonNull).forEach(names::add);
        for (String g : names) {
            groups.add(row(g, conversations.get(g), csat.get(g), answers.get(g), overall, m, min));
        }
        return new Report(from, to, dimension.name().toLowerCase(Locale.ROOT), m, min, overall, groups);
    }

    private static Row row(String group, long[] conv, Double csat, double[] ans, Row overall, double margin, int minSample) {
        long conversations = conv == null ? 0 : conv[0];
        long answers = ans == null ? 0 : (long) ans[0];
        Double agreement = ans == null || ans[1] == 0 ? null : ans[2] / ans[1];
        Double handoff = conversations == 0 ? null : (double) conv[1] / conversations;
        Double p50 = ans == null || Double.isNaN(ans[3]) ? null : ans[3];
        Double fallback = answers == 0 ? null : ans[4] / answers;
        List<String> highlighted = new ArrayList<>();
        if (overall != null) {
            boolean enoughAnswers = answers >= minSample;
            boolean enoughConversations = conversations >= minSample;
            flag(highlighted, "intentAgreement", enoughAnswers, agreement, overall.intentAgreement(), margin);
            flag(highlighted, "handoffRate", enoughConversations, handoff, overall.handoffRate(), margin);
            flag(highlighted, "csat", enoughConversations, csat, overall.csat(), margin);
            flag(highlighted, "responseMsP50", enoughAnswers, p50, overall.responseMsP50(), margin);
            flag(highlighted, "fallbackRate", enoughAnswers, fallback, overall.fallbackRate(), margin);
        }
        return new Row(group, conversations, answers, agreement, handoff, csat, p50, fallback, List.copyOf(highlighted));
    }

    /** Relative difference over the margin; from a zero baseline, any difference above the margin itself. */
    private static void flag(List<String> out, String signal, boolean enough, Double value, Double all, double margin) {
        if (!enough || value == null || all == null) {
            return;
        }
        double diff = Math.abs(value - all);
        if (all == 0 ? diff > margin : diff / Math.abs(all) > margin) {
            out.add(signal);
        }
    }

    private static Double toDouble(Object o) {
        return o == null ? null : ((Number) o).doubleValue();
    }

    static String csv(Report r) {
        StringWriter w = new StringWriter();
        try {
            Csv.row(w, "group", "conversations", "answers", "intent_agreement", "handoff_rate", "csat", "response_ms_p50",
                    "fallback_rate", "highlighted");
            List<Row> rows = new ArrayList<>();
            rows.add(r.overall());
            rows.addAll(r.groups());
            for (Row row : rows) {
                Csv.row(w, row.group(), row.conversations(), row.answers(), row.intentAgreement(), row.handoffRate(), row.csat(),
                        row.responseMsP50(), row.fallbackRate(), String.join(" ", row.highlighted()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
