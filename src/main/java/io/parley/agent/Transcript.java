package io.parley.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.parley.conversation.Conversation;
import io.parley.conversation.ConversationEvent;
import io.parley.answer.EntityValue;
import io.parley.answer.Passage;
import io.parley.answer.Source;
import io.parley.conversation.Message;
import io.parley.answer.Usage;
import io.parley.actions.ActionLog;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Everything an agent reviews about one conversation (the bot's action calls too); also the JSON export.
 * {@code personalData} says whether the messages hold the customer's personal details in clear or masked ({@code [PHONE_1]}).
 */
public record Transcript(Summary conversation, List<Line> messages, List<Note> notes, List<Event> history,
                         List<ActionLog.Call> actions, String personalData) {

    public static final String PERSONAL_DATA_CLEAR = "clear";
    public static final String PERSONAL_DATA_MASKED = "masked";

    public record Summary(UUID id, String status, String locale, boolean priority, OffsetDateTime createdAt,
                          OffsetDateTime updatedAt, long lastSeq, String agent, String agentName, List<String> tags,
                          Integer rating, String ratingComment, OffsetDateTime ratedAt, String site, String userId, String channel) {
        static Summary of(Conversation c, Agent assigned) {
            return new Summary(c.id, c.status.wire(), c.locale, c.priority, c.createdAt, c.updatedAt, c.lastSeq,
                    assigned == null ? null : assigned.username, assigned == null ? null : assigned.displayName,
                    Arrays.asList(c.tags), c.rating, c.ratingComment, c.ratedAt, c.site, c.externalUserId, c.channel.wire());
        }
    }

    /**
     * One stored message; answers with their structure, source and accounting. {@code aiGenerated} is true
     * for every answer written by the assistant (a model or the offline engine), absent otherwise.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Line(long seq, String id, String role, String author, String kind, String text, OffsetDateTime at,
                       String state, Long replyTo, String intent, Double confidence, List<EntityValue> entities,
                       List<String> suggestions, String sentiment, Boolean handoff, String source, String provider,
                       String model, Integer promptTokens, Integer completionTokens, Integer cacheHitTokens,
                       Integer cacheMissTokens, Integer firstTokenMs, Integer totalMs, String requestId, Boolean aiGenerated,
                       List<Source> sources, List<Passage> passages, UUID attachment) {
        static Line of(Message m, String text) {
            Usage u = m.usage != null ? m.usage : new Usage(); // Hibernate leaves it null when all its columns are
            return new Line(m.seq, m.msgId, m.role.wire(), m.author, m.kind, text, m.createdAt, m.isAnswer() ? m.state.wire() : null, m.replyTo,
                    m.intent, m.confidence, m.entities, m.suggestions, m.sentiment, m.handoff, m.source, m.provider, m.model,
                    u.promptTokens, u.completionTokens, u.cacheHitTokens, u.cacheMissTokens, u.firstTokenMs, u.totalMs, u.requestId,
                    m.isAnswer() ? Boolean.TRUE : null, m.sources, m.passages, m.attachment);
        }
    }

    public record Note(long id, String author, String text, OffsetDateTime at) {
        static Note of(ConversationNote n) {
            return new Note(n.id, n.author, n.text, n.at);
        }
    }

    public record Event(String from, String to, String actor, String reason, OffsetDateTime at) {
        static Event of(ConversationEvent e) {
            return new Event(e.fromStatus.wire(), e.toStatus.wire(), e.actor, e.reason, e.at);
        }
    }
}
