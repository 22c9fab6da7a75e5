package io.parley.conversation;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class ConversationRepository implements PanacheRepositoryBase<Conversation, UUID> {

    public Optional<Conversation> findByTokenHash(String tokenHash) {
        return find("tokenHash", tokenHash).firstResultOptional();
    }

    public List<Conversation> inactiveSince(OffsetDateTime before, int limit) {
        return find("status in ('bot', 'waiting_agent', 'agent') and updatedAt < ?1 order by updatedAt", before)
                .page(0, limit).list();
    }

    /** Locks the row so that sequence numbers are handed out one at a time per conversation. */
    public Conversation lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
