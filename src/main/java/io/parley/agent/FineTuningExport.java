package io.parley.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.failure.ParleyException;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A fine-tuning dataset from resolved conversations: one example per answer (the conversation before it
 * as context, what the assistant said, or what an agent corrected it to, or what an agent wrote), in the
 * chat {@code messages} format or as {@code prompt}/{@code completion}. Texts are the stored masked forms
 * ({@code [PHONE_1]}): sealed personal details are never opened. Read through a server-side cursor and
 * written as it goes: memory holds one conversation's last few messages, however long the export.
 * The first line holds the hyperparameters and filters; the last the counts included and excluded, and why.
 */
@ApplicationScoped
public class FineTuningExport {

    static final String SYSTEM = "You are the customer-service assistant of an online shop. Answer helpfully and briefly, "
            + "in the customer's language.";

    @ConfigMapping(prefix = "parley.fine-tuning")
    public interface Config {
        @WithDefault("0.00002")
        double learningRate();

        @WithDefault("8")
        int batchSize();

        @WithDefault("3")
        int epochs();

        /** Messages before an answer given as its context. */
        @WithDefault("12")
        int contextMessages();
    }

    public enum Format {
        MESSAGES, PROMPT_COMPLETION;

        static Format parse(String s) {
            return switch (s) {
                case "messages" -> MESSAGES;
                case "prompt-completion" -> PROMPT_COMPLETION;
                default -> throw ParleyException.badInput("\"format\" is messages or prompt-completion.");
            };
        }
    }

    /** @param correctedOnly only answers an agent corrected, and agents' own replies */
    public record Request(Format format, OffsetDateTime from, OffsetDateTime to, List<String> intents, Integer minRating, boolean correctedOnly) {
    }

    private record Line(String role, String text) {
    }

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final Config config;

    FineTuningExport(DataSource dataSource, ObjectMapper json, Config config) {
        this.dataSource = dataSource;
        this.json = json;
        this.config = config;
    }

    public void write(Request r, OutputStream out) {
        if (r.minRating() != null && (r.minRating() < 1 || r.minRating() > 5)) {
            throw ParleyException.badInput("\"minRating\" is 1 to 5.");
        }
        Map<String, Long> excluded = new TreeMap<>();
        long included = 0;
        try (Connection c = dataSource.getConnection()) {
            countSkippedConversations(c, r, excluded);
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.write(json.writeValueAsString(header(r)));
            w.write('\n');
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false); // pgjdbc streams with a cursor only inside a transaction
            try (PreparedStatement ps = c.prepareStatement("select m.conversation_id, m.role, m.text, m.state, m.intent, m.corrected_intent, "
                    + "m.corrected_text from message m join conversation c on c.id = m.conversation_id where " + CONVERSATIONS
                    + " and m.seq is not null and m.role <> 'system' order by m.conversation_id, m.seq")) {
                ps.setFetchSize(500);
                bind(ps, r);
                UUID current = null;
                Deque<Line> context = new ArrayDeque<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        if (!id.equals(current)) {
                            current = id;
                            context.clear();
                        }
                        String role = rs.getString(2);
                        String text = rs.getString(3);
                        String reason = role.equals("customer") ? null : exclusion(r, rs, role, context);
                        String completion = rs.getString(7) != null ? rs.getString(7) : text;
                        if (!role.equals("customer")) {
                            if (reason == null) {
                                w.write(json.writeValueAsString(example(r.format(), context, completion)));
                                w.write('\n');
                                included++;
                            } else {
                                excluded.merge(reason, 1L, Long::sum);
                            }
                        }
                        context.addLast(new Line(role.equals("customer") ? "user" : "assistant", role.equals("customer") ? text : completion));
                        while (context.size() > config.contextMessages()) {
                            context.removeFirst();
                        }
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
            ObjectNode summary = json.createObjectNode();
            summary.putObject("summary").put("included", included).set("excluded", json.valueToTree(excluded));
            w.write(json.writeValueAsString(summary));
            w.write('\n');
            w.flush();
        } catch (SQLException e) {
            throw ParleyException.of(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String CONVERSATIONS = "c.status in ('resolved', 'closed') and c.created_at >= ? and c.created_at < ? "
            + "and (?::int is null or c.rating >= ?::int)";

    private static void bind(PreparedStatement ps, Request r) throws SQLException {
        ps.setObject(1, r.from());
        ps.setObject(2, r.to());
        ps.setObject(3, r.minRating(), java.sql.Types.INTEGER);
        ps.setObject(4, r.minRating(), java.sql.Types.INTEGER);
    }

    /** Conversations of the period left out whole: still open, or rated below the minimum (or not rated). */
    private static void countSkippedConversations(Connection c, Request r, Map<String, Long> excluded) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select count(*) filter (where status not in ('resolved', 'closed')), "
                + "count(*) filter (where status in ('resolved', 'closed') and ?::int is not null and (rating is null or rating < ?::int)) "
                + "from conversation where created_at >= ? and created_at < ?")) {
            ps.setObject(1, r.minRating(), java.sql.Types.INTEGER);
            ps.setObject(2, r.minRating(), java.sql.Types.INTEGER);
            ps.setObject(3, r.from());
            ps.setObject(4, r.to());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                put(excluded, "conversation_not_resolved", rs.getLong(1));
                put(excluded, "conversation_rated_below_minimum", rs.getLong(2));
            }
        }
    }

    private static void put(Map<String, Long> map, String key, long n) {
        if (n > 0) {
            map.put(key, n);
        }
    }

    /** Why an answer or agent reply is left out, or null to include it. */
    private static String exclusion(Request r, ResultSet rs, String role, Deque<Line> context) throws SQLException {
        boolean agent = role.equals("agent");
        boolean corrected = rs.getString(6) != null || rs.getString(7) != null;
        String intent = rs.getString(6) != null ? rs.getString(6) : rs.getString(5);
        if (context.isEmpty() || context.peekLast().role().equals("assistant") && !agent) {
            return "no_customer_message_before";
        }
        if (!agent && !"complete".equals(rs.getString(4))) {
            return "answer_incomplete";
        }
        if (!agent && !corrected && "unknown".equals(intent)) {
            return "answer_intent_unknown";
        }
        if (r.correctedOnly() && !agent && !corrected) {
            return "not_corrected_or_written_by_agent";
        }
        if (!r.intents().isEmpty() && (agent || !r.intents().contains(intent))) {
            return "intent_not_selected";
        }
        return null;
    }

    private ObjectNode example(Format format, Deque<Line> context, String completion) {
        ObjectNode e = json.createObjectNode();
        if (format == Format.MESSAGES) {
            ArrayNode messages = e.putArray("messages");
            messages.addObject().put("role", "system").put("content", SYSTEM);
            for (Line l : context) {
                messages.addObject().put("role", l.role()).put("content", l.text());
            }
            messages.addObject().put("role", "assistant").put("content", completion);
        } else {
            StringBuilder prompt = new StringBuilder(SYSTEM).append("\n\n");
            for (Line l : context) {
                prompt.append(l.role().equals("user") ? "Customer: " : "Assistant: ").append(l.text()).append('\n');
            }
            e.put("prompt", prompt.append("Assistant:").toString()).put("completion", " " + completion);
        }
        return e;
    }

    private ObjectNode header(Request r) {
        ObjectNode h = json.createObjectNode();
        h.putObject("hyperparameters").put("learning_rate", config.learningRate()).put("batch_size", config.batchSize())
                .put("epochs", config.epochs());
        ObjectNode f = h.put("format", r.format().name().toLowerCase(Locale.ROOT).replace('_', '-')).put("personalData", "masked")
                .putObject("filters");
        f.put("from", r.from().toString()).put("to", r.to().toString()).put("correctedOnly", r.correctedOnly());
        f.set("intents", json.valueToTree(r.intents()));
        if (r.minRating() != null) {
            f.put("minRating", r.minRating());
        }
        return h;
    }
}
