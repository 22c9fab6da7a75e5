package io.parley.conversation;

import io.parley.answer.EntityValue;
import io.parley.answer.Passage;
import io.parley.answer.Source;
import io.parley.answer.Usage;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A stored message: customer text, a structured assistant answer with its accounting, or an agent/system line. */
@Entity
@Table(name = "message")
public class Message extends PanacheEntityBase {


    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "conversation_id", nullable = false)
    public UUID conversationId;

    /** Null while an answer is still streaming: it gets its place in the conversation when it is stored. */
    public Long seq;

    @Column(name = "msg_id", nullable = false)
    public String msgId;

    @Column(nullable = false)
    public Role role;

    @Column(nullable = false)
    public String text;

    @Column(name = "reply_to")
    public Long replyTo;

    @Column(nullable = false)
    public MessageState state = MessageState.COMPLETE;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    public String intent;

    /** Who chose the intent when not the engine in {@code source}: {@code offline} when the model's reply had none usable. */
    @Column(name = "intent_source")
    public String intentSource;
    public Double confidence;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<EntityValue> entities;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> suggestions;

    public String sentiment;
    public Boolean handoff;
    public String source;
    public String provider;
    public String model;

    @Embedded
    public Usage usage = new Usage();

    /** The agent's display name, for agent messages. */
    public String author;

    /** What a system message announces (see {@link SystemNotice}). */
    public String kind;

    /** The knowledge-base articles the answer cites (sent on {@code answer.end}). */
    @JdbcTypeCode(SqlTypes.JSON)
    public List<Source> sources;

    /** The passages the answer was given (for the agents' transcript). */
    @JdbcTypeCode(SqlTypes.JSON)
    public List<Passage> passages;

    /** The image this message shows (see {@code attachment.Attachments}), if any. */
    @Column(name = "attachment_id")
    public UUID attachment;

    /** The instance streaming this answer (see {@link Instance}). */
    public Long owner;

    /**
     * The clear text sealed (nonce and AES-GCM ciphertext) when {@link #text} holds a masked form; null
     * otherwise. Written only by the turn's statements; readers open it with {@code privacy.Vault}.
     */
    @Column(insertable = false, updatable = false)
    public byte[] sealed;

    @Column(name = "sealed_key", insertable = false, updatable = false)
    public Integer sealedKey;

    public boolean isAnswer() {
        return role == Role.ASSISTANT;
    }

    /** Cut short: the stream broke (incomplete) or the server died while streaming (interrupted). */
    public boolean isIncomplete() {
        return state.cutShort();
    }

    /** What the prompt needs of this message. */
    public HistoryItem asHistory() {
        return new HistoryItem(seq, role, text, confidence);
    }
}
