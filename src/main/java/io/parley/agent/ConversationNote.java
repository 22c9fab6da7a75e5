package io.parley.agent;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An internal note on a conversation: agents see it, the customer never does. */
@Entity
@Table(name = "conversation_note")
public class ConversationNote extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "conversation_id", nullable = false)
    public UUID conversationId;
    @Column(nullable = false)
    public String author;
    @Column(nullable = false)
    public String text;
    @Column(nullable = false)
    public OffsetDateTime at;
}
