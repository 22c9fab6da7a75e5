package io.parley.lifecycle;

import io.parley.conversation.Message;
import io.parley.conversation.MessageState;
import io.parley.conversation.MessageStored;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.util.UUID;

/**
 * Hand-off between the bot and people, for the customer's socket and the agents' console alike:
 * each step is stored ({@link Lifecycle}) and its notice then delivered to every connection of the
 * conversation, on every instance (the notice travels like any stored message).
 */
@ApplicationScoped
public class Handoff {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Handoff.class);

    private final Lifecycle lifecycle;
    private final Event<MessageStored> stored;
    private final AgentPresence presence;
    private final HandoffConfig config;

    Handoff(Lifecycle lifecycle, Event<MessageStored> stored, AgentPresence presence, HandoffConfig config) {
        this.lifecycle = lifecycle;
        this.stored = stored;
        this.presence = presence;
        this.config = config;
    }

    /** The customer (a {@code handoff} frame) or an answer asks for a person. */
    public Lifecycle.Change request(UUID conversationId, String actor, String reason) {
        return deliver(lifecycle.requestAgent(conversationId, actor, reason, presence.anyOnline()));
    }

    /**
     * Whether a turn hands the conversation over: the customer asked for a person in so many words
     * (whatever the answer says), or the complete answer's handoff flag or intent asks for one.
     */
    public boolean asksForPerson(String customerText, Message answer) {
        String text = customerText.toLowerCase(java.util.Locale.ROOT);
        if (config.handoffPhrases().stream().anyMatch(p -> text.contains(p.toLowerCase(java.util.Locale.ROOT)))) {
            return true;
        }
        return answer.state == MessageState.COMPLETE
                && (Boolean.TRUE.equals(answer.handoff) || config.handoffIntents().contains(answer.intent));
    }

    /** Hands the conversation over when the turn {@link #asksForPerson asks for a person}; a failure to record it is logged, not thrown. */
    public void requestIfAsked(String customerText, Message answer) {
        if (!asksForPerson(customerText, answer)) {
            return;
        }
        try {
            request(answer.conversationId, "assistant", "the answer (intent " + answer.intent + ") asked for a person");
        } catch (RuntimeException e) {
            LOG.warnf("conversation=%s hand-off asked by the answer not recorded: %s", answer.conversationId, e.getMessage());
        }
    }

    public Lifecycle.Change takeOver(UUID conversationId, long agentId, String agentName) {
        return deliver(lifecycle.takeOver(conversationId, agentId, agentName));
    }

    public Lifecycle.Change handBack(UUID conversationId, long agentId, boolean admin, String agentName) {
        return deliver(lifecycle.handBack(conversationId, agentId, admin, agentName));
    }

    public Lifecycle.Change resolve(UUID conversationId, long agentId, boolean admin, String agentName) {
        return deliver(lifecycle.resolve(conversationId, agentId, admin, agentName));
    }

    /** A reply from the agent who has the conversation; the same id again stores nothing new. */
    public Lifecycle.Change reply(UUID conversationId, long agentId, String agentName, String msgId, String text) {
        return deliver(lifecycle.agentMessage(conversationId, agentId, agentName, msgId, text));
    }

    public Lifecycle.Change rate(UUID conversationId, int score, String comment) {
        return deliver(lifecycle.rate(conversationId, score, comment));
    }

    private Lifecycle.Change deliver(Lifecycle.Change change) {
        if (change.notice() != null) {
            stored.fire(new MessageStored(change.notice()));
        }
        return change;
    }
}
