package io.parley.lifecycle;

import io.parley.conversation.ConflictException;
import io.parley.conversation.Conversation;
import io.parley.conversation.ConversationEvent;
import io.parley.conversation.ConversationRepository;
import io.parley.conversation.ConversationStatus;
import io.parley.conversation.IllegalTransitionException;
import io.parley.conversation.Message;
import io.parley.conversation.MessageRepository;
import io.parley.conversation.NoSuchConversationException;
import io.parley.conversation.Role;
import io.parley.conversation.TurnStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * The conversation's lifecycle, {@code bot → waiting_agent → agent → resolved → closed}: each step
 * one transaction under the conversation's row lock that checks the transition
 * ({@link ConversationStatus#canBecome}), records it ({@code conversation_event}) and stores the
 * system notice the customer sees, in their language. Messages take their seq through the turn's own
 * statement ({@link TurnStore#appendInTransaction}). The two transitions that happen on the turn's
 * path (a customer message reopening a resolved conversation, the inactivity sweep) are statements
 * of the turn (TurnSql).
 */
@ApplicationScoped
public class Lifecycle {

    private final ConversationRepository conversations;
    private final MessageRepository messages;
    private final TurnStore turns;

    Lifecycle(ConversationRepository conversations, MessageRepository messages, TurnStore turns) {
        this.conversations = conversations;
        this.messages = messages;
        this.turns = turns;
    }

    /** The outcome of a step: the conversation after it and the message stored, if any. */
    public record Change(Conversation conversation, Message notice) {
    }

    /**
     * The customer (or an answer) asks for a person: a conversation with the bot, or a resolved one,
     * waits for an agent. A conversation already waiting or with an agent does not change (no notice).
     */
    @Transactional
    public Change requestAgent(UUID conversationId, String actor, String reason, boolean agentsOnline) {
        Conversation c = locked(conversationId);
        if (c.status != ConversationStatus.BOT && c.status != ConversationStatus.RESOLVED) {
            return new Change(c, null);
        }
        move(c, ConversationStatus.WAITING_AGENT, actor, reason);
        return new Change(c, notice(c, agentsOnline ? SystemNotice.HANDOFF_REQUESTED : SystemNotice.HANDOFF_NO_AGENT, null));
    }

    /** An agent takes the conversation over: the bot stops answering. Taking it again is a no-op. */
    @Transactional
    public Change takeOver(UUID conversationId, long agentId, String agentName) {
        Conversation c = locked(conversationId);
        if (c.status == ConversationStatus.AGENT) {
            if (Long.valueOf(agentId).equals(c.assignedAgent)) {
                return new Change(c, null);
            }
            throw new ConflictException("Another agent has this conversation.");
        }
        move(c, ConversationStatus.AGENT, "agent:" + agentName, "taken over");
        c.assignedAgent = agentId;
        return new Change(c, notice(c, SystemNotice.AGENT_JOINED, agentName));
    }

    /** The agent hands the conversation back to the bot (an admin may do it for anyone). */
    @Transactional
    public Change handBack(UUID conversationId, long agentId, boolean admin, String agentName) {
        Conversation c = locked(conversationId);
        requireHolder(c, agentId, admin);
        move(c, ConversationStatus.BOT, "agent:" + agentName, "handed back");
        return new Change(c, notice(c, SystemNotice.AGENT_LEFT, agentName));
    }

    /** An agent resolves a conversation that is open (with the bot, waiting, or with them: one another agent holds only an admin may resolve). */
    @Transactional
    public Change resolve(UUID conversationId, long agentId, boolean admin, String agentName) {
        Conversation c = locked(conversationId);
        if (c.status == ConversationStatus.AGENT) {
            requireHolder(c, agentId, admin);
        }
        String actor = "agent:" + agentName;
        move(c, ConversationStatus.RESOLVED, actor, "resolved by " + actor);
        return new Change(c, notice(c, SystemNotice.RESOLVED, null));
    }

    /** A message from the agent who has the conversation, idempotent by its client-made id (a resend stores nothing: no notice). */
    @Transactional
    public Change agentMessage(UUID conversationId, long agentId, String agentName, String msgId, String text) {
        if (messages.findByMsgId(conversationId, msgId).isPresent()) {
            return new Change(conversations.findById(conversationId), null);
        }
        Conversation c = locked(conversationId);
        requireHolder(c, agentId, false);
        Message m = new Message();
        m.conversationId = conversationId;
        m.msgId = msgId;
        m.role = Role.AGENT;
        m.author = agentName;
        m.text = text;
        return new Change(c, turns.appendInTransaction(m));
    }

    /** The customer's rating of a resolved conversation (rating again replaces it). */
    @Transactional
    public Change rate(UUID conversationId, int score, String comment) {
        Conversation c = locked(conversationId);
        if (c.status != ConversationStatus.RESOLVED) {
            throw new ConflictException("Only a resolved conversation can be rated.");
        }
        boolean first = c.rating == null;
        c.rating = score;
        c.ratingComment = comment;
        c.ratedAt = now();
        return new Change(c, first ? notice(c, SystemNotice.RATED, null) : null);
    }

    /** The agent who has the conversation now (status agent), if any. */
    @Transactional
    public Optional<Long> holder(UUID conversationId) {
        Conversation c = conversations.findById(conversationId);
        return c != null && c.status == ConversationStatus.AGENT ? Optional.ofNullable(c.assignedAgent) : Optional.empty();
    }

    private Conversation locked(UUID conversationId) {
        Conversation c = conversations.lock(conversationId);
        if (c == null) {
            throw new NoSuchConversationException(conversationId);
        }
        return c;
    }

    private static void requireHolder(Conversation c, long agentId, boolean admin) {
        if (c.status != ConversationStatus.AGENT) {
            throw new ConflictException("Take the conversation over first (it is " + c.status.wire() + ").");
        }
        if (!admin && !Long.valueOf(agentId).equals(c.assignedAgent)) {
            throw new ConflictException("Another agent has this conversation.");
        }
    }

    private static void move(Conversation c, ConversationStatus to, String actor, String reason) {
        if (!c.status.canBecome(to)) {
            throw new IllegalTransitionException(c.status, to);
        }
        ConversationEvent e = new ConversationEvent();
        e.conversationId = c.id;
        e.fromStatus = c.status;
        e.toStatus = to;
        e.actor = actor;
        e.reason = reason;
        e.at = now();
        e.persist();
        c.status = to;
        c.updatedAt = e.at;
    }

    private Message notice(Conversation c, SystemNotice kind, String name) {
        Message m = new Message();
        m.conversationId = c.id;
        m.role = Role.SYSTEM;
        m.kind = kind.wire();
        m.text = kind.text(noticeLocale(c), name);
        return turns.appendInTransaction(m);
    }

    /** The customer's language: Chinese when their latest message is, whatever the browser said. */
    private String noticeLocale(Conversation c) {
        Optional<Message> last = messages.find("conversationId = ?1 and role = ?2 order by seq desc", c.id, Role.CUSTOMER).firstResultOptional();
        boolean chinese = last.map(m -> m.text.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN))
                .orElse(false);
        return chinese ? "zh-CN" : c.locale;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
