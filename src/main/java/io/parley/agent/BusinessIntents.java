package io.parley.agent;

import io.parley.conversation.ChangeFeed;
import io.parley.conversation.ConflictException;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.parley.offline.BusinessIntent;
import io.parley.offline.OfflineEngine;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The business's own intents and examples, kept in PostgreSQL. A change is committed together with a
 * NOTIFY on {@link ChangeFeed#INTENTS_CHANNEL}; every instance (this one too) then reloads the list
 * and the offline engine retrains in the background. LISTEN/NOTIFY rather than polling a version: the
 * feed's connection is there already, a change reaches every instance at once, and a notification lost
 * while the feed was away is caught up by the reload on its reconnection.
 */
@ApplicationScoped
public class BusinessIntents implements ChangeFeed.Listener {

    private static final Logger LOG = Logger.getLogger(BusinessIntents.class);
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{1,39}");
    static final int MAX_EXAMPLE = 500;
    static final int MAX_EXAMPLES = 1000;

    private final DataSource dataSource;
    private final OfflineEngine engine;

    BusinessIntents(DataSource dataSource, OfflineEngine engine, ChangeFeed feed) {
        this.dataSource = dataSource;
        this.engine = engine;
        feed.addListener(this);
    }

    void start(@Observes StartupEvent event) {
        reloadInBackground();
    }

    @Override
    public void intentsChanged() {
        reloadInBackground();
    }

    @Override
    public void reconnected() {
        reloadInBackground(); // a change may have been notified while the feed was away
    }

    @Override
    public void stored(java.util.UUID conversationId, long seq, boolean fromThisInstance) {
        // messages are not this listener's business
    }

    /** Off the feed's thread: a slow database must not hold up the notifications of conversations. */
    private void reloadInBackground() {
        CompletableFuture.runAsync(() -> engine.retrain(list())).exceptionally(e -> {
            LOG.warnf("business intents not reloaded (the current model keeps answering): %s", e.getMessage());
            return null;
        });
    }

    public List<BusinessIntent> list() {
        Map<String, BusinessIntent> byName = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select i.name, i.answer_en, i.answer_zh, i.handoff, e.text
                     from business_intent i left join business_intent_example e on e.intent = i.name
                     order by i.name, e.id""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                BusinessIntent intent = byName.computeIfAbsent(name, n -> {
                    try {
                        return new BusinessIntent(n, Map.of("en", rs.getString(2), "zh", rs.getString(3)),
                                rs.getBoolean(4), new ArrayList<>());
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                String example = rs.getString(5);
                if (example != null) {
                    intent.examples().add(example);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("business intents not read: " + e.getMessage(), e);
        }
        return byName.values().stream()
                .map(b -> new BusinessIntent(b.name(), b.answer(), b.handoff(), List.copyOf(b.examples()))).toList();
    }

    public BusinessIntent get(String name) {
        return list().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new ParleyException(ErrorCode.NOT_FOUND, "No intent named \"" + name + "\"."));
    }

    public BusinessIntent create(String name, String answerEn, String answerZh, boolean handoff, List<String> examples) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ParleyException.badInput("An intent's name is 2 to 40 lower-case letters, digits or _, starting with a letter.");
        }
        if (engine.ruleIntents().contains(name)) {
            throw new ConflictException("\"" + name + "\" is a built-in intent; choose another name.");
        }
        if (blank(answerEn) || blank(answerZh)) {
            throw ParleyException.badInput("An intent needs its answer in English and in Chinese: {\"answer\": {\"en\": ..., \"zh\": ...}}.");
        }
        List<String> cleaned = clean(examples);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into business_intent (name, answer_en, answer_zh, handoff) values (?, ?, ?, ?) on conflict do nothing")) {
                ps.setString(1, name);
                ps.setString(2, answerEn.strip());
                ps.setString(3, answerZh.strip());
                ps.setBoolean(4, handoff);
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    throw new ConflictException("An intent named \"" + name + "\" exists already.");
                }
            }
            insertExamples(c, name, cleaned);
            notifyChange(c);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("intent not stored: " + e.getMessage(), e);
        }
        return get(name);
    }

    public BusinessIntent addExamples(String name, List<String> examples) {
        List<String> cleaned = clean(examples);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (!exists(c, name)) {
                c.rollback();
                throw new ParleyException(ErrorCode.NOT_FOUND, "No intent named \"" + name + "\".");
            }
            try (PreparedStatement ps = c.prepareStatement("select count(*) from business_intent_example where intent = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) + cleaned.size() > MAX_EXAMPLES) {
                        c.rollback();
                        throw ParleyException.badInput("An intent keeps at most " + MAX_EXAMPLES + " examples.");
                    }
                }
            }
            insertExamples(c, name, cleaned);
            notifyChange(c);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("examples not stored: " + e.getMessage(), e);
        }
        return get(name);
    }

    public void delete(String name) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("delete from business_intent where name = ?")) {
                ps.setString(1, name);
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    throw new ParleyException(ErrorCode.NOT_FOUND, "No intent named \"" + name + "\".");
                }
            }
            notifyChange(c);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("intent not deleted: " + e.getMessage(), e);
        }
    }

    /** Locks the intent's row: two admins adding examples at once stay within the limit. */
    private static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from business_intent where name = ? for update")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insertExamples(Connection c, String name, List<String> examples) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into business_intent_example (intent, text) values (?, ?) on conflict do nothing")) {
            for (String text : examples) {
                ps.setString(1, name);
                ps.setString(2, text);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Delivered at commit, to every instance listening; none when the transaction rolls back. */
    private static void notifyChange(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, '')")) {
            ps.setString(1, ChangeFeed.INTENTS_CHANNEL);
            ps.execute();
        }
    }

    private static List<String> clean(List<String> examples) {
        if (examples == null) {
            return List.of();
        }
        if (examples.size() > MAX_EXAMPLES) {
            throw ParleyException.badInput("An intent keeps at most " + MAX_EXAMPLES + " examples.");
        }
        List<String> out = new ArrayList<>();
        for (String e : examples) {
            if (blank(e) || e.strip().length() > MAX_EXAMPLE) {
                throw ParleyException.badInput("Each example is a customer message of 1 to " + MAX_EXAMPLE + " characters.");
            }
            out.add(e.strip());
        }
        return out;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
