package io.parley.conversation;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * PostgreSQL LISTEN/NOTIFY as the fan-out between Parley instances, on one dedicated connection
 * (not from the pool). Payloads are tiny ({@code conversation:seq:instance}); receivers read the
 * messages themselves by seq, so a lost notification or a reconnect costs a catch-up read, never a
 * lost message. The same connection holds this instance's advisory lock: when the process dies, the
 * database drops the lock and other instances know its streaming answers are interrupted.
 */
@ApplicationScoped
public class ChangeFeed {

    private static final Logger LOG = Logger.getLogger(ChangeFeed.class);
    /** Typing indicators between instances: {@code conversation:instance[:agent name]}. */
    static final String TYPING_CHANNEL = "parley_typing";
    /** The business's intents or examples changed (no payload): every instance reloads them and retrains. */
    public static final String INTENTS_CHANNEL = "parley_intents";
    /** A knowledge-base article changed (payload: its id, or {@code *} for many): every instance updates its search index. */
    public static final String KNOWLEDGE_CHANNEL = "parley_knowledge";

    /** Told of every message stored by any instance, and of every (re)connection of the feed. */
    public interface Listener {
        void stored(UUID conversationId, long seq, boolean fromThisInstance);

        void reconnected();

        /** Someone typed in a conversation: an agent (their name) or the customer (null). */
        default void typing(UUID conversationId, String agentName, boolean fromThisInstance) {
        }

        /** Some instance changed the business's intents or examples (committed). */
        default void intentsChanged() {
        }

        /** Some instance changed a knowledge-base article (its id) or many of them ({@code *}), committed. */
        default void knowledgeChanged(String payload) {
        }
    }

    private final Instance instance;
    private final javax.sql.DataSource dataSource;
    private final String url;
    private final Properties properties;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean running;
    private volatile boolean stopping;
    private volatile Connection connection;
    private Thread thread;

    ChangeFeed(Instance instance, javax.sql.DataSource dataSource,
               @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
               @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
               @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
               DatabaseTimeouts timeouts) {
        this.instance = instance;
        this.dataSource = dataSource;
        this.url = url;
        this.properties = new Properties();
        properties.setProperty("user", user.orElse(""));
        properties.setProperty("password", password.orElse(""));
        // a frozen database must not hang the feed in connect or LISTEN: it gives up and reconnects
        String seconds = String.valueOf(Math.max(1, timeouts.networkTimeout().toSeconds()));
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
    }

    /** Tells the other instances that someone is typing (the agent's name, or null for the customer). Live only, never stored. */
    public void announceTyping(UUID conversationId, String agentName) {
        String payload = conversationId + ":" + instance.key() + (agentName == null ? "" : ":" + agentName);
        try (Connection c = dataSource.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
            ps.setString(1, TYPING_CHANNEL);
            ps.setString(2, payload);
            ps.execute();
        } catch (java.sql.SQLException e) {
            throw new StorageException(e);
        }
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    void start(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "parley-change-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** Shutdown has begun: the database may go before this feed stops, which is then no news worth a WARN. */
    void stopping(@Observes io.quarkus.runtime.ShutdownDelayInitiatedEvent event) {
        stopping = true;
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
        closeQuietly();
    }

    private void run() {
        long backoff = 250;
        boolean first = true;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, properties)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + TurnSql.CHANNEL);
                    s.execute("LISTEN " + TYPING_CHANNEL);
                    s.execute("LISTEN " + INTENTS_CHANNEL);
                    s.execute("LISTEN " + KNOWLEDGE_CHANNEL);
                    s.execute("select pg_advisory_lock(" + instance.key() + ")");
                }
                backoff = 250;
                if (!first) {
                    LOG.info("change feed reconnected: catching up every open conversation");
                }
                first = false;
                listeners.forEach(Listener::reconnected);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(5000);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        if (TYPING_CHANNEL.equals(n.getName())) {
                            dispatchTyping(n.getParameter());
                        } else if (INTENTS_CHANNEL.equals(n.getName())) {
                            listeners.forEach(Listener::intentsChanged);
                        } else if (KNOWLEDGE_CHANNEL.equals(n.getName())) {
                            listeners.forEach(l -> l.knowledgeChanged(n.getParameter()));
                        } else {
                            dispatch(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    if (stopping) {
                        LOG.debugf("change feed closed while shutting down (%s)", e.getMessage());
                    } else {
                        LOG.warnf("change feed lost its database connection (%s); reconnecting in %d ms", e.getMessage(), backoff);
                    }
                    sleep(backoff);
                    backoff = Math.min(5000, backoff * 2);
                }
            } finally {
                connection = null;
            }
        }
    }

    private void dispatch(String payload) {
        String[] parts = payload.split(":");
        if (parts.length != 3) {
            return;
        }
        try {
            UUID conversation = UUID.fromString(parts[0]);
            long seq = Long.parseLong(parts[1]);
            boolean mine = Long.parseLong(parts[2]) == instance.key();
            for (Listener l : listeners) {
                l.stored(conversation, seq, mine);
            }
        } catch (RuntimeException e) {
            LOG.warnf("unreadable notification %s ignored (the periodic catch-up covers it): %s", payload, e.getMessage());
        }
    }

    private void dispatchTyping(String payload) {
        String[] parts = payload.split(":", 3);
        try {
            UUID conversation = UUID.fromString(parts[0]);
            boolean mine = Long.parseLong(parts[1]) == instance.key();
            String agent = parts.length == 3 ? parts[2] : null;
            for (Listener l : listeners) {
                l.typing(conversation, agent, mine);
            }
        } catch (RuntimeException e) {
            LOG.warnf("unreadable typing notification %s ignored: %s", payload, e.getMessage());
        }
    }

    private void closeQuietly() {
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // going down
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
