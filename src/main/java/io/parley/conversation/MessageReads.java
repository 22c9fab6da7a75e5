package io.parley.conversation;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads of stored messages that place nothing: delivery pages, catch-up cursors, streaming answers, owners' liveness. */
final class MessageReads {

    private final DataSource dataSource;
    private final MessageRows rows;

    MessageReads(DataSource dataSource, MessageRows rows) {
        this.dataSource = dataSource;
        this.rows = rows;
    }

    /** Answers being streamed (of one conversation, or of all when null), by any instance. */
    List<Message> streaming(UUID conversationId) throws SQLException {
        String sql = "select " + MessageRows.COLUMNS + " from message where state = 'streaming'" + (conversationId == null ? "" : " and conversation_id = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (conversationId != null) {
                ps.setObject(1, conversationId);
            }
            return rows.read(ps);
        }
    }

    /** The message with this row id, or null. */
    Message byId(long id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("select " + MessageRows.COLUMNS + " from message where id = ?")) {
            ps.setLong(1, id);
            List<Message> found = rows.read(ps);
            return found.isEmpty() ? null : found.get(0);
        }
    }

    /**
     * Whether the instance with this key is gone: the exclusive advisory lock it holds for its whole
     * life (ChangeFeed) is free. Probed with a shared lock, so probes at the same moment (several
     * sweeps, several instances) never make each other see a dead instance alive.
     */
    boolean gone(long instance) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("select pg_try_advisory_xact_lock_shared(?)")) {
            c.setAutoCommit(true);
            ps.setLong(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** At most {@code limit} messages after {@code seq}, in order: a page, never the whole history. */
    List<Message> after(UUID conversationId, long seq, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + MessageRows.COLUMNS + " from message where conversation_id = ? and seq > ? order by seq limit ?")) {
            ps.setObject(1, conversationId);
            ps.setLong(2, seq);
            ps.setInt(3, limit);
            return rows.read(ps);
        }
    }

    /** The last stored seq of each conversation (one query for many). */
    Map<UUID, Long> lastSeqs(List<UUID> ids) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select id, last_seq from conversation where id = any(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            Map<UUID, Long> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
            return out;
        }
    }
}
