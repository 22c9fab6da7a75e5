package io.parley.attachment;

import io.parley.chat.ImageTurns;
import io.parley.conversation.Conversation;
import io.parley.conversation.ConversationStatus;
import io.parley.conversation.Message;
import io.parley.conversation.MessageStored;
import io.parley.conversation.Role;
import io.parley.conversation.TurnStore;
import io.parley.lifecycle.Handoff;
import io.parley.lifecycle.Lifecycle;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Stores an image sent into a conversation and the message that shows it. While the bot has the
 * conversation, a customer's photo goes to the tier's vision model when one is configured
 * ({@link ImageTurns}); otherwise, or when that model cannot answer, it gets an honest reply (a person
 * will look at it) and the conversation goes to the agents' waiting inbox.
 */
@ApplicationScoped
public class Attachments {

    private static final Logger LOG = Logger.getLogger(Attachments.class);

    static final String PLACEHOLDER = "[image]";
    private static final String THANKS_EN = "Thanks for the photo — a person from our team will look at it and reply here.";
    private static final String THANKS_ZH = "感谢您发来的照片，我们的工作人员会查看并在这里回复您。";

    /** A stored image, as it is served. */
    public record Stored(UUID id, UUID conversationId, ImageType type, byte[] bytes) {
    }

    private final EntityManager em;
    private final TurnStore turns;
    private final Event<MessageStored> stored;
    private final Handoff handoff;
    private final Lifecycle lifecycle;
    private final ImageTurns vision;

    Attachments(EntityManager em, TurnStore turns, Event<MessageStored> stored, Handoff handoff, Lifecycle lifecycle, ImageTurns vision) {
        this.vision = vision;
        this.em = em;
        this.turns = turns;
        this.stored = stored;
        this.handoff = handoff;
        this.lifecycle = lifecycle;
    }

    /**
     * The customer's image: stored with its message; while the bot has the conversation, the vision model
     * answers it, or a person is asked for. The message's id (the turn's name in answer frames) is the image's.
     */
    public Message fromCustomer(Conversation c, ImageType type, byte[] bytes) {
        boolean bot = c.status == ConversationStatus.BOT || c.status == ConversationStatus.RESOLVED;
        boolean seen = c.status == ConversationStatus.BOT && vision.seen(c, PLACEHOLDER);
        List<Message> added = QuarkusTransaction.requiringNew().call(() -> {
            UUID id = insert(c.id, Role.CUSTOMER, type, bytes);
            Message image = message(c.id, Role.CUSTOMER, PLACEHOLDER, id);
            image.msgId = id.toString();
            Message shown = turns.appendInTransaction(image);
            if (!bot || seen) {
                return List.of(shown);
            }
            Message reply = message(c.id, Role.ASSISTANT, unseenReply(c.locale), null);
            reply.replyTo = shown.id;
            reply.source = "offline"; // canned: no model saw the image
            reply.handoff = true;
            return List.of(shown, turns.appendInTransaction(reply));
        });
        added.forEach(m -> stored.fire(new MessageStored(m)));
        if (seen) {
            try {
                vision.answer(c, added.get(0), type.mediaType, bytes, unseenReply(c.locale));
                return added.get(0);
            } catch (RuntimeException e) {
                // the photo is stored and shown, but its turn never began (the database, say): a person looks at it
                LOG.warnf("conversation=%s image turn not started (%s): handed to a person", c.id, e.getMessage());
            }
        }
        if (bot) {
            handoff.request(c.id, "customer", "image attachment");
        }
        return added.get(0);
    }

    /** An agent's image, only into a conversation that agent has taken over. */
    public Message fromAgent(UUID conversationId, long agentId, String agentName, ImageType type, byte[] bytes) {
        if (!lifecycle.holder(conversationId).map(h -> h == agentId).orElse(false)) {
            throw new io.parley.conversation.ConflictException("Take the conversation over before sending an image.");
        }
        Message m = QuarkusTransaction.requiringNew().call(() -> {
            UUID id = insert(conversationId, Role.AGENT, type, bytes);
            Message shown = message(conversationId, Role.AGENT, PLACEHOLDER, id);
            shown.author = agentName;
            return turns.appendInTransaction(shown);
        });
        stored.fire(new MessageStored(m));
        return m;
    }

    public Optional<Stored> find(UUID id) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("select conversation_id, content_type, bytes from attachment where id = ?1")
                    .setParameter(1, id).getResultList();
            return rows.stream().findFirst().map(r -> new Stored(id, (UUID) r[0], ImageType.of((String) r[1]).orElseThrow(), (byte[]) r[2]));
        });
    }

    private UUID insert(UUID conversationId, Role by, ImageType type, byte[] bytes) {
        UUID id = UUID.randomUUID();
        em.createNativeQuery("insert into attachment (id, conversation_id, uploaded_by, content_type, size, sha256, bytes) "
                        + "values (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .setParameter(1, id).setParameter(2, conversationId).setParameter(3, by.wire()).setParameter(4, type.mediaType)
                .setParameter(5, bytes.length).setParameter(6, sha256(bytes)).setParameter(7, bytes).executeUpdate();
        return id;
    }

    private static Message message(UUID conversationId, Role role, String text, UUID attachment) {
        Message m = new Message();
        m.conversationId = conversationId;
        m.role = role;
        m.text = text;
        m.attachment = attachment;
        return m;
    }

    /** What the customer is told when no model looks at their photo. */
    private static String unseenReply(String locale) {
        return locale != null && locale.toLowerCase(Locale.ROOT).startsWith("zh") ? THANKS_ZH : THANKS_EN;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
