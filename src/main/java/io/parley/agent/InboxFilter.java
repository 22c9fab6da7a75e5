package io.parley.agent;

import io.parley.failure.ParleyException;

import io.parley.conversation.ConversationStatus;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The inbox filter, shared by the list, the counts and the CSV export. Every value becomes a JDBC
 * parameter, never SQL text.
 *
 * @param status  bot, waiting_agent, agent, resolved or closed
 * @param intent  conversations with an answer of this intent
 * @param from    last activity on or after this day (UTC)
 * @param to      last activity on or before this day (UTC)
 * @param agentId assigned to this agent; {@link #UNASSIGNED} for nobody; null for any
 * @param query   words that some message contains (case-insensitive substring: works for Chinese too)
 */
public record InboxFilter(String status, String intent, LocalDate from, LocalDate to, Long agentId, String query) {

    public static final long UNASSIGNED = -1;

    public InboxFilter {
        if (status != null && !status.isBlank()) {
            try {
                ConversationStatus.of(status);
            } catch (IllegalArgumentException e) {
                throw ParleyException.badInput("\"status\" is one of bot, waiting_agent, agent, resolved, closed.");
            }
        }
        for (String text : new String[] {query, intent}) {
            if (text != null && !io.parley.chat.FrameInput.storable(text)) {
                throw ParleyException.badInput(io.parley.chat.FrameInput.STORABLE_RULE);
            }
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw ParleyException.badInput("\"to\" is before \"from\".");
        }
    }

    /** A WHERE clause (without the keyword) over {@code conversation c}, and its parameters. */
    record Where(String sql, List<Object> params) {
    }

    Where where(boolean withStatus) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        conditions.add("true");
        if (withStatus && status != null && !status.isBlank()) {
            conditions.add("c.status = ?");
            params.add(status);
        }
        if (intent != null && !intent.isBlank()) {
            conditions.add("exists (select 1 from message m where m.conversation_id = c.id and m.intent = ?)");
            params.add(intent);
        }
        if (from != null) {
            conditions.add("c.updated_at >= ?");
            params.add(from.atStartOfDay().atOffset(ZoneOffset.UTC));
        }
        if (to != null) {
            conditions.add("c.updated_at < ?");
            params.add(to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
        }
        if (agentId != null) {
            if (agentId == UNASSIGNED) {
                conditions.add("c.assigned_agent is null");
            } else {
                conditions.add("c.assigned_agent = ?");
                params.add(agentId);
            }
        }
        if (query != null && !query.isBlank()) {
            conditions.add("exists (select 1 from message m where m.conversation_id = c.id and m.text ilike ? escape '\\')");
            params.add("%" + query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        return new Where(String.join(" and ", conditions), params);
    }
}
