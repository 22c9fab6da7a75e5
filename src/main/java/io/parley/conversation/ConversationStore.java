package io.parley.conversation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Owns every transaction on conversations and messages. Each method is one short transaction,
 * called from a worker thread; callers acknowledge a frame only after the method returned.
 */
@ApplicationScoped
public class ConversationStore {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConversationRepository conversations;
    private final MessageRepository messages;

    ConversationStore(ConversationRepository conversations, MessageRepository messages) {
        this.conversations = conversations;
        this.messages = messages;
    }

    /** A new conversation and the token that alone can reopen it (only its hash is stored). */
    public record Opened(Conversation conversation, String token) {
    }

    /**
     * The outcome of storing a customer message.
     *
     * @param customer  the stored customer message (the original one when {@code duplicate})
     * @param answer    its complete answer, when one is stored already
     * @param duplicate the id was known: nothing new was stored
     * @param history   the context for the model, oldest first, ending with {@code customer}
     */
    public record Accepted(Message customer, Message answer, boolean duplicate, List<Message> history, boolean priority) {
    }

    @Transactional
    public Opened create(String locale) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Conversation c = new Conversation();
        c.id = UUID.randomUUID();
        c.tokenHash = hash(token);
        c.locale = locale;
        c.createdAt = now();
        c.updatedAt = c.createdAt;
        conversations.persist(c);
        return new Opened(c, token);
    }

    @Transactional
    public Optional<Conversation> findByToken(String token) {
        return conversations.findByTokenHash(hash(token));
    }

    @Transactional
    public List<Message> messagesAfter(UUID conversationId, long seq) {
        return messages.after(conversationId, seq);
    }

    @Transactional
    public long lastSeq(UUID conversationId) {
        return conversations.findById(conversationId).lastSeq;
    }

    /**
     * Stores a customer message under its client id, or finds the one stored before under that id.
     * A concurrent duplicate makes this throw a constraint violation; calling again then finds it.
     */
    @Transactional
    public Accepted accept(UUID conversationId, String msgId, String text, int historySize) {
        Optional<Message> known = messages.findByMsgId(conversationId, msgId);
        if (known.isPresent()) {
            Message original = known.get();
            Message answer = messages.findCompleteAnswer(conversationId, original.seq).orElse(null);
            List<Message> history = answer == null ? messages.history(conversationId, original.seq, historySize) : List.of();
            return new Accepted(original, answer, true, history, conversations.findById(conversationId).priority);
        }
        Message m = new Message();
        m.conversationId = conversationId;
        m.msgId = msgId;
        m.role = Message.CUSTOMER;
        m.text = text;
        insert(m);
        return new Accepted(m, null, false, messages.history(conversationId, m.seq, historySize),
                conversations.findById(conversationId).priority);
    }

    /** Stores an answer to the customer message {@code replyTo}; an existing complete answer wins. */
    @Transactional
    public Message storeAnswer(Message answer) {
        if (!answer.isIncomplete()) {
            Optional<Message> existing = messages.findCompleteAnswer(answer.conversationId, answer.replyTo);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        answer.role = Message.ASSISTANT;
        answer.msgId = UUID.randomUUID().toString();
        insert(answer);
        return answer;
    }

    private void insert(Message m) {
        Conversation c = conversations.lock(m.conversationId);
        c.lastSeq++;
        c.updatedAt = now();
        m.seq = c.lastSeq;
        m.createdAt = c.updatedAt;
        messages.persist(m);
        messages.flush();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
