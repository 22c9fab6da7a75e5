package io.parley.conversation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * Who may open a conversation: the customer's token (only its hash is stored) or a verified site
 * user's identity.
 */
@ApplicationScoped
public class Conversations {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConversationRepository conversations;
    private final TurnStore turns;

    Conversations(ConversationRepository conversations, TurnStore turns) {
        this.conversations = conversations;
        this.turns = turns;
    }

    /** A conversation and the token that alone can reopen it. */
    public record Opened(Conversation conversation, String token) {
    }

    /**
     * A new conversation that is not stored yet: {@link #store} stores it when the visitor first
     * writes, so visitors who never write leave nothing in the agents' inbox. Its id and token are
     * final: the token opens the conversation once it is stored.
     */
    public Opened draft(String locale, String site, String externalUserId) {
        return fresh(locale, site, externalUserId);
    }

    /** Stores a {@link #draft}: one INSERT, no entity. Storing the same draft again changes nothing (a retry after a lost reply). */
    public void store(Conversation draft) {
        turns.insert(draft);
    }

    /**
     * A verified site user's conversation: their latest one that is not closed, or a {@link #draft}.
     * The token of a stored one is replaced (only a hash is kept, so the old one cannot be returned):
     * the user's devices open it with their identity, not with the token.
     *
     * @return the conversation and its token, and whether it is stored already
     */
    @Transactional
    public ForUser openForUser(String externalUserId, String locale, String site) {
        Optional<Conversation> latest = conversations.find(
                "externalUserId = ?1 and status <> ?2 order by updatedAt desc", externalUserId, ConversationStatus.CLOSED).firstResultOptional();
        if (latest.isEmpty()) {
            return new ForUser(fresh(locale, site, externalUserId), false);
        }
        Conversation c = conversations.lock(latest.get().id);
        String token = newToken();
        c.tokenHash = hash(token);
        return new ForUser(new Opened(c, token), true);
    }

    /** A verified user's conversation: {@code stored} false for a {@link #draft}. */
    public record ForUser(Opened opened, boolean stored) {
    }

    @Transactional
    public Optional<Conversation> findByToken(String token) {
        return conversations.findByTokenHash(hash(token));
    }

    /** A conversation not stored yet, and its token. */
    private static Opened fresh(String locale, String site, String externalUserId) {
        String token = newToken();
        Conversation c = new Conversation();
        c.id = UUID.randomUUID();
        c.tokenHash = hash(token);
        c.locale = locale;
        c.site = site;
        c.externalUserId = externalUserId;
        c.createdAt = TurnStore.now();
        c.updatedAt = c.createdAt;
        return new Opened(c, token);
    }

    private static String newToken() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** What the database keeps of a visitor token (never the token itself). */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
