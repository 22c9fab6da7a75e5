package io.parley.conversation;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<Message, Long> {

    public Optional<Message> findByMsgId(UUID conversationId, String msgId) {
        return find("conversationId = :c and msgId = :m", Parameters.with("c", conversationId).and("m", msgId))
                .firstResultOptional();
    }
}
