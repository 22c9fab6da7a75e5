package io.parley.agent;

import io.parley.chat.ConversationHub;
import io.parley.chat.Frames;
import io.parley.conversation.ConversationStore;
import io.parley.conversation.Message;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Hand-off between the bot and people: each step is stored (status, history, a system message in
 * the customer's language) and then delivered to every connection of the conversation, on every
 * instance (the system message travels like any stored message).
 */
@ApplicationScoped
public class Handoff {

    private final ConversationStore store;
    private final ConversationHub hub;
    private final Frames frames;
    private final AgentAccounts accounts;
    private final AgentConfig config;

    Handoff(ConversationStore store, ConversationHub hub, Frames frames, AgentAccounts accounts, AgentConfig config) {
        this.store = store;
        this.hub = hub;
        this.frames = frames;
        this.accounts = accounts;
        this.config = config;
    }

    /** The customer (a {@code handoff} frame) or an answer asks for a person. */
    public ConversationStore.Change request(UUID conversationId, String actor, String reason) {
        return deliver(store.requestAgent(conversationId, actor, reason, accounts.anyOnline()));
    }

    /** Whether a stored answer hands the conversation over: its handoff flag, or a configured intent. */
    public boolean asksForPerson(Message answer) {
        return Message.COMPLETE.equals(answer.state)
                && (Boolean.TRUE.equals(answer.handoff) || config.handoffIntents().contains(answer.intent));
    }

    public ConversationStore.Change takeOver(UUID conversationId, Agent agent) {
        return deliver(store.takeOver(conversationId, agent.id, agent.displayName));
    }

    public ConversationStore.Change handBack(UUID conversationId, Agent agent) {
        return deliver(store.handBack(conversationId, agent.id, agent.isAdmin(), agent.displayName));
    }

    public ConversationStore.Change resolve(UUID conversationId, String actor) {
        return deliver(store.resolve(conversationId, actor));
    }

    /** A reply from the agent who has the conversation; the same id again stores nothing new. */
    public ConversationStore.Change reply(UUID conversationId, Agent agent, String msgId, String text) {
        return deliver(store.agentMessage(conversationId, agent.id, agent.displayName, msgId, text));
    }

    public ConversationStore.Change rate(UUID conversationId, int score, String comment) {
        return deliver(store.rate(conversationId, score, comment));
    }

    private ConversationStore.Change deliver(ConversationStore.Change change) {
        Message m = change.notice();
        if (m != null) {
            hub.deliver(m.conversationId, m, frames.message(m));
        }
        return change;
    }
}
