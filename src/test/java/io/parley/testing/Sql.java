package io.parley.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** What tests read straight from PostgreSQL, to assert what is really stored (not what the app says). */
public final class Sql {

    /** Where connections come from: an injected DataSource, or DriverManager in process-level tests. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final Connections connections;

    public Sql(Connections connections) {
        this.connections = connections;
    }

    public List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
        try (Connection c = connections.open(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** A statement that returns no rows (DDL, an update). */
    public void execute(String sql) throws SQLException {
        try (Connection c = connections.open(); java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public Map<String, Object> row(String sql, Object... params) throws SQLException {
        List<Map<String, Object>> rows = rows(sql, params);
        if (rows.isEmpty()) {
            throw new AssertionError("no row for " + sql);
        }
        return rows.get(0);
    }

    /** The single number a {@code select count(*) ...} returns. */
    public long count(String sql, Object... params) throws SQLException {
        return ((Number) row(sql, params).values().iterator().next()).longValue();
    }

    /** The conversation a visitor token opens (the database keeps only the token's SHA-256). */
    public String conversationOf(String token) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        return row("select id::text as id from conversation where token_hash = ?", HexFormat.of().formatHex(digest)).get("id").toString();
    }
}
