package io.parley.agent;

import io.parley.conversation.Conversation;
import io.parley.conversation.NoSuchConversationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Who the customer of a conversation is, for the console's customer panel: where they came from, their
 * verified identity (a site user whose hash Parley checked), their language, and their other
 * conversations (only a verified identity links them: an anonymous visitor's token opens one only).
 */
@ApplicationScoped
public class CustomerPanel {

    static final int MAX_PAST = 10;

    public record Customer(String site, String verifiedUserId, String locale, OffsetDateTime firstSeen, List<Past> past) {
    }

    public record Past(UUID id, String status, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
    }

    @Transactional
    public Customer of(UUID id) {
        Conversation c = Conversation.findById(id);
        if (c == null) {
            throw new NoSuchConversationException(id);
        }
        if (c.externalUserId == null) {
            return new Customer(c.site, null, c.locale, c.createdAt, List.of());
        }
        List<Conversation> all = Conversation.<Conversation>find("externalUserId = ?1 order by createdAt desc", c.externalUserId)
                .page(0, MAX_PAST + 1).list();
        List<Past> past = all.stream().filter(o -> !o.id.equals(id)).limit(MAX_PAST)
                .map(o -> new Past(o.id, o.status.wire(), o.createdAt, o.updatedAt)).toList();
        OffsetDateTime first = all.stream().map(o -> o.createdAt).min(OffsetDateTime::compareTo).orElse(c.createdAt);
        return new Customer(c.site, c.externalUserId, c.locale, first, past);
    }
}
