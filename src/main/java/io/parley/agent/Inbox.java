package io.parley.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.parley.conversation.ConversationStatus;

import javax.sql.DataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The agents' inbox: one SQL query per page (newest activity first), counts per status, streamed CSV. */
@ApplicationScoped
public class Inbox {

    /** One line of the inbox. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Row(UUID id, String status, String locale, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                      long messages, String lastText, String lastIntent, String agent, String agentName,
                      Integer rating, String ratingComment, List<String> tags, OffsetDateTime waitingSince) {
    }

    public record Page(List<Row> items, long total, int page, int size, Map<String, Long> counts) {
    }

    private static final String COLUMNS = """
            select c.id, c.status, c.locale, c.created_at, c.updated_at, c.rating, c.rating_comment, c.tags,
                   a.username, a.display_name,
                   (select count(*) from message m where m.conversation_id = c.id and m.seq is not null) as messages,
                   (select m.text from message m where m.conversation_id = c.id and m.seq is not null and m.role <> 'system'
                     order by m.seq desc limit 1) as last_text,
                   (select m.intent from message m where m.conversation_id = c.id and m.seq is not null and m.intent is not null
                     order by m.seq desc limit 1) as last_intent,
                   (select max(e.at) from conversation_event e where e.conversation_id = c.id and e.to_status = 'waiting_agent'
                     and c.status = 'waiting_agent') as waiting_since
            from conversation c left join agent a on a.id = c.assigned_agent
            """;

    private final DataSource dataSource;

    Inbox(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Page page(InboxFilter filter, int page, int size) {
        InboxFilter.Where where = filter.where(true);
        try (Connection c = dataSource.getConnection()) {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(COLUMNS + " where " + where.sql()
                    + " order by c.updated_at desc, c.id limit ? offset ?")) {
                int i = bind(ps, where.params());
                ps.setInt(i++, size);
                ps.setLong(i, (long) page * size);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs));
                    }
                }
            }
            Map<String, Long> counts = counts(c, filter);
            long total = filter.status() == null || filter.status().isBlank()
                    ? counts.values().stream().mapToLong(Long::longValue).sum()
                    : counts.getOrDefault(filter.status(), 0L);
            return new Page(rows, total, page, size, counts);
        } catch (SQLException e) {
            throw new IllegalStateException("inbox query failed: " + e.getMessage(), e);
        }
    }

    /** Conversations per status under the same filter (all statuses, so the tabs can show them). */
    private Map<String, Long> counts(Connection c, InboxFilter filter) throws SQLException {
        InboxFilter.Where where = filter.where(false);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (ConversationStatus s : ConversationStatus.values()) {
            counts.put(s.wire(), 0L);
        }
        try (PreparedStatement ps = c.prepareStatement("select c.status, count(*) from conversation c where " + where.sql()
                + " group by c.status")) {
            bind(ps, where.params());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    /**
     * Every conversation under the filter as CSV, one row each, written as the database returns them
     * (a server-side cursor: memory stays flat however many rows there are).
     */
    public void exportCsv(InboxFilter filter, OutputStream out) {
        InboxFilter.Where where = filter.where(true);
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false); // pgjdbc streams with a cursor only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(COLUMNS + " where " + where.sql() + " order by c.updated_at desc, c.id")) {
                ps.setFetchSize(500);
                bind(ps, where.params());
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                Csv.row(w, "conversation_id", "status", "locale", "created_at", "last_activity", "messages", "last_intent",
                        "assigned_agent", "rating", "rating_comment", "tags", "last_message");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row r = row(rs);
                        Csv.row(w, r.id(), r.status(), r.locale(), r.createdAt(), r.updatedAt(), r.messages(), r.lastIntent(),
                                r.agent(), r.rating(), r.ratingComment(), String.join(" ", r.tags()), r.lastText());
                    }
                }
                w.flush();
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("export failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int bind(PreparedStatement ps, List<Object> params) throws SQLException {
        int i = 1;
        for (Object p : params) {
            ps.setObject(i++, p);
        }
        return i;
    }

    private static Row row(ResultSet rs) throws SQLException {
        Array tags = rs.getArray("tags");
        return new Row(rs.getObject("id", UUID.class), rs.getString("status"), rs.getString("locale"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                rs.getLong("messages"), rs.getString("last_text"), rs.getString("last_intent"), rs.getString("username"),
                rs.getString("display_name"), (Integer) rs.getObject("rating"), rs.getString("rating_comment"),
                tags == null ? List.of() : Arrays.asList((String[]) tags.getArray()),
                rs.getObject("waiting_since", OffsetDateTime.class));
    }
}
