package io.parley.conversation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One status change of a conversation: from, to, who, why, when. */
@Entity
@Table(name = "conversation_event")
public class ConversationEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "conversation_id", nullable = false)
    public UUID conversationId;
    @Column(name = "from_status", nullable = false)
    public ConversationStatus fromStatus;
    @Column(name = "to_status", nullable = false)
    public ConversationStatus toStatus;
    @Column(nullable = false)
    public String actor;
    public String reason;
    @Column(nullable = false)
    public OffsetDateTime at;
}
