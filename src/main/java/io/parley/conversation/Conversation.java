package io.parley.conversation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

@Entity
@Table(name = "conversation")
public class Conversation extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "token_hash", nullable = false, unique = true)
    public String tokenHash;

    @Column(nullable = false)
    public ConversationStatus status = ConversationStatus.BOT;

    public String locale;

    /** Routed to the priority tier. */
    @Column(nullable = false)
    public boolean priority;

    /** Written only by the turn's statements (TurnSql), which take the next seq under the row lock. */
    @Column(name = "last_seq", nullable = false, insertable = false, updatable = false)
    public long lastSeq;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** The agent who has taken the conversation over (status agent), or who had it last. */
    @Column(name = "assigned_agent")
    public Long assignedAgent;

    @Column(nullable = false)
    public String[] tags = new String[0];

    /** The customer's satisfaction score, 1 to 5, given after resolution. */
    public Integer rating;

    @Column(name = "rating_comment")
    public String ratingComment;

    @Column(name = "rated_at")
    public OffsetDateTime ratedAt;

    /** A verified site user (widget identity): their one conversation across devices. */
    @Column(name = "external_user_id")
    public String externalUserId;

    /** The site (browser Origin) the conversation was started from, when known. */
    public String site;

    /** How the conversation came in (set when it is stored, never changed). */
    @Column(nullable = false, updatable = false)
    public Channel channel = Channel.WEB;
}
