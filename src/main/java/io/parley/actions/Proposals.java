package io.parley.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Changes waiting for the customer's yes, stored with the conversation (so a reconnect, another tab or
 * another instance finds them) and expiring. At most one is pending per conversation: a new proposal
 * replaces the previous one. Claiming one is a single conditional update, so it runs at most once.
 */
@ApplicationScoped
public class Proposals {

    public record Proposal(long id, String action, JsonNode arguments) {
    }

    public enum State {
        DONE, FAILED, CANCELLED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final DataSource db;
    private final ObjectMapper json;

    Proposals(DataSource db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Stores the proposal (blocking: call it on a worker thread), cancelling any earlier one still pending. */
    public void propose(UUID conversationId, String turn, String action, JsonNode arguments, Duration expiry) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "with old as (update action_proposal set state = 'cancelled' where conversation_id = ? and state = 'pending')"
                        + " insert into action_proposal (conversation_id, turn, action, arguments, expires_at)"
                        + " values (?, ?, ?, ?::jsonb, now() + ? * interval '1 millisecond')")) {
            s.setObject(1, conversationId);
            s.setObject(2, conversationId);
            s.setString(3, turn);
            s.setString(4, action);
            s.setString(5, arguments.toString());
            s.setLong(6, expiry.toMillis());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The conversation's proposal still waiting for an answer (not expired), if any. */
    public Optional<Proposal> pending(UUID conversationId) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "select id, action, arguments::text from action_proposal where conversation_id = ? and state = 'pending'"
                        + " and expires_at > now() order by id desc limit 1")) {
            s.setObject(1, conversationId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Proposal(rs.getLong(1), rs.getString(2), json.readTree(rs.getString(3))))
                        : Optional.empty();
            }
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Takes a pending proposal for running: true for exactly one caller, and only before it expires. */
    public boolean claim(long id) {
        return update("update action_proposal set state = 'running' where id = ? and state = 'pending' and expires_at > now()", id, null);
    }

    /** Cancels a pending one (the customer said no). */
    public boolean cancel(long id) {
        return update("update action_proposal set state = 'cancelled' where id = ? and state = 'pending'", id, null);
    }

    /** How a claimed proposal ended. */
    public void settle(long id, State state) {
        update("update action_proposal set state = ? where id = ? and state = 'running'", id, state.wire());
    }

    private boolean update(String sql, long id, String state) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (state != null) {
                s.setString(i++, state);
            }
            s.setLong(i, id);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
