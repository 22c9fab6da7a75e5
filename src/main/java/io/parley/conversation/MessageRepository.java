package io.parley.conversation;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<Message, Long> {

    public Optional<Message> findByMsgId(UUID conversationId, String msgId) {
        return find("conversationId = :c and msgId = :m", Parameters.with("c", conversationId).and("m", msgId))
                .firstResultOptional();
    }

    /** An answer to {@code replyTo} that is stored complete or being streamed right now. */
    public Optional<Message> findLiveAnswer(UUID conversationId, long replyTo) {
        return find("conversationId = :c and replyTo = :r and role = 'assistant' and state in ('complete', 'streaming')",
                Parameters.with("c", conversationId).and("r", replyTo)).firstResultOptional();
    }

    public List<Message> streaming(UUID conversationId) {
        return conversationId == null ? list("state", Message.STREAMING)
                : list("conversationId = ?1 and state = ?2", conversationId, Message.STREAMING);
    }

    public Optional<Message> findCompleteAnswer(UUID conversationId, long replyTo) {
        return find("conversationId = :c and replyTo = :r and role = 'assistant' and state = 'complete'",
                Parameters.with("c", conversationId).and("r", replyTo)).firstResultOptional();
    }

    /** The last {@code limit} messages up to and including {@code seq}, oldest first: the model's context. */
    public List<Message> history(UUID conversationId, long seq, int limit) {
        List<Message> newestFirst = find("conversationId = :c and seq <= :s and role <> 'system' order by seq desc",
                Parameters.with("c", conversationId).and("s", seq)).page(0, limit).list();
        List<Message> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }
}
