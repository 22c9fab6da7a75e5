package io.parley.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.chat.ConversationHub;
import io.parley.conversation.ChangeFeed;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent consoles connected to this instance: their presence (so every instance can tell a
 * customer whether someone is online) and the inbox's live feed. Any stored message, on any
 * instance, marks its conversation as changed; twice a second the consoles get one
 * {@code activity} frame listing the changed conversations and refresh what they show.
 */
@ApplicationScoped
public class AgentHub implements ChangeFeed.Listener {

    private static final Logger LOG = Logger.getLogger(AgentHub.class);
    /** Close code of a console whose session ended (docs/protocol.md): sign in again, do not just reconnect. */
    static final int SESSION_ENDED = 4401;

    /** One console connection, its signed-in agent and when that session signed in. */
    record Console(WebSocketConnection connection, Agent agent, long signedInMillis) {
    }

    private final Map<String, Console> consoles = new ConcurrentHashMap<>();
    private final Map<UUID, Long> changed = new ConcurrentHashMap<>();
    private final AgentAccounts accounts;
    private final Sessions sessions;
    private final AgentConfig config;
    private final ConversationHub hub;
    private final ObjectMapper json;

    AgentHub(ChangeFeed feed, AgentAccounts accounts, Sessions sessions, AgentConfig config, ConversationHub hub, ObjectMapper json) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.config = config;
        this.hub = hub;
        this.json = json;
        feed.addListener(this);
    }

    void start(@Observes StartupEvent event, Vertx vertx) {
        vertx.setPeriodic(500, id -> flush());
        // sessions ended on another instance: it wrote the database, this one reads it (blocking, off the event loop)
        vertx.setPeriodic(config.sessionCheck().toMillis(), id -> {
            if (!consoles.isEmpty()) {
                vertx.executeBlocking(() -> {
                    checkSessions();
                    return null;
                }, false);
            }
        });
    }

    void add(WebSocketConnection connection, Agent agent, long signedInMillis) {
        consoles.put(connection.id(), new Console(connection, agent, signedInMillis));
        accounts.seen(java.util.List.of(agent.id));
    }

    void remove(WebSocketConnection connection) {
        Console gone = consoles.remove(connection.id());
        if (gone != null && consoles.values().stream().noneMatch(c -> c.agent().id.equals(gone.agent().id))) {
            try {
                accounts.gone(gone.agent().id);
            } catch (RuntimeException e) {
                LOG.warnf("presence not cleared (an agent may show online until online-within passes): %s", e.getMessage());
            }
        }
    }

    /** Closes the consoles whose session has ended (signed out, password changed, account disabled). */
    void checkSessions() {
        if (consoles.isEmpty()) {
            return;
        }
        try {
            Map<String, Sessions.State> states = sessions.fresh(consoles.values().stream().map(c -> c.agent().username).distinct().toList());
            for (Console c : consoles.values()) {
                Sessions.State s = states.get(c.agent().username);
                if (s == null || !s.admits(c.signedInMillis())) {
                    LOG.debugf("closing the console of %s: its session has ended", c.agent().username);
                    c.connection().close(new CloseReason(SESSION_ENDED, "session ended")).subscribe().with(v -> { }, e -> { });
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("sessions not checked (retried on the next beat): %s", e.getMessage());
        }
    }

    @Override
    public void stored(UUID conversationId, long seq, boolean fromThisInstance) {
        if (!consoles.isEmpty()) {
            changed.merge(conversationId, seq, Math::max);
        }
    }

    @Override
    public void reconnected() {
        // consoles refresh on their next activity frame; nothing is lost (the inbox reads the database)
    }

    private void flush() {
        if (changed.isEmpty()) {
            return;
        }
        ObjectNode frame = json.createObjectNode().put("type", "activity");
        ArrayNode list = frame.putArray("conversations");
        for (UUID id : changed.keySet()) {
            Long seq = changed.remove(id);
            if (seq != null) {
                list.addObject().put("id", id.toString()).put("seq", seq);
            }
        }
        String text = frame.toString();
        consoles.values().forEach(c -> hub.send(c.connection(), text));
    }

    /** Keeps the agents with an open console marked online (see parley.agents.online-within). */
    @Scheduled(every = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void presence() {
        if (consoles.isEmpty()) {
            return;
        }
        try {
            accounts.seen(consoles.values().stream().map(c -> c.agent().id).distinct().toList());
        } catch (RuntimeException e) {
            LOG.warnf("presence not refreshed (retried on the next beat): %s", e.getMessage());
        }
    }
}
