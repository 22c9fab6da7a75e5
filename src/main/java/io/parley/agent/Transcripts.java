package io.parley.agent;

import io.parley.actions.ActionLog;
import io.parley.chat.ChatConfig;
import io.parley.chat.FrameInput;

import io.parley.failure.ParleyException;

import io.parley.conversation.Conversation;
import io.parley.conversation.ConversationEvent;
import io.parley.conversation.Message;
import io.parley.conversation.NoSuchConversationException;
import io.parley.privacy.Vault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Reads transcripts; keeps agents' notes and tags (neither is ever sent to the customer). */
@ApplicationScoped
public class Transcripts {

    static final int MAX_TAGS = 20;

    private final ChatConfig chat;
    private final ActionLog actions;
    private final Vault vault;

    Transcripts(ChatConfig chat, ActionLog actions, Vault vault) {
        this.chat = chat;
        this.actions = actions;
        this.vault = vault;
    }

    /**
     * The transcript; with {@code clear} the personal details sealed at rest are opened (the console's
     * view), without it messages keep their masked form ({@code [PHONE_1]}). The result says which.
     */
    @Transactional
    public Transcript get(UUID id, boolean clear) {
        Conversation c = Conversation.findById(id);
        if (c == null) {
            throw new NoSuchConversationException(id);
        }
        Agent assigned = c.assignedAgent == null ? null : Agent.findById(c.assignedAgent);
        List<Transcript.Line> messages = Message.<Message>list("conversationId = ?1 and seq is not null order by seq", id)
                .stream().map(m -> Transcript.Line.of(m, clear ? vault.open(m.conversationId, m.text, m.sealed, m.sealedKey) : m.text))
                .toList();
        List<Transcript.Note> notes = ConversationNote.<ConversationNote>list("conversationId = ?1 order by id", id)
                .stream().map(Transcript.Note::of).toList();
        List<Transcript.Event> history = ConversationEvent.<ConversationEvent>list("conversationId = ?1 order by id", id)
                .stream().map(Transcript.Event::of).toList();
        // action calls hold the customer's details as sent to the business's systems: only in the clear view
        return new Transcript(Transcript.Summary.of(c, assigned), messages, notes, history, clear ? actions.of(id) : List.of(),
                clear ? Transcript.PERSONAL_DATA_CLEAR : Transcript.PERSONAL_DATA_MASKED);
    }

    @Transactional
    public Transcript.Note addNote(UUID id, Agent author, String text) {
        if (text == null || text.isBlank() || text.length() > chat.maxTextChars()) {
            throw ParleyException.badInput("A note is 1 to " + chat.maxTextChars() + " characters.");
        }
        if (!FrameInput.storable(text)) {
            throw ParleyException.badInput(FrameInput.STORABLE_RULE);
        }
        if (Conversation.findById(id) == null) {
            throw new NoSuchConversationException(id);
        }
        ConversationNote n = new ConversationNote();
        n.conversationId = id;
        n.author = author.displayName;
        n.text = text.strip();
        n.at = OffsetDateTime.now(ZoneOffset.UTC);
        n.persist();
        return Transcript.Note.of(n);
    }

    /** Replaces the conversation's tags: trimmed, lower-case, no duplicates. */
    @Transactional
    public List<String> setTags(UUID id, List<String> tags) {
        Conversation c = Conversation.findById(id);
        if (c == null) {
            throw new NoSuchConversationException(id);
        }
        Set<String> clean = new LinkedHashSet<>();
        for (String t : tags == null ? List.<String>of() : tags) {
            String tag = t == null ? "" : t.strip().toLowerCase(java.util.Locale.ROOT);
            if (tag.isEmpty() || tag.length() > 40) {
                throw ParleyException.badInput("A tag is 1 to 40 characters.");
            }
            clean.add(tag);
        }
        if (clean.size() > MAX_TAGS) {
            throw ParleyException.badInput("At most " + MAX_TAGS + " tags.");
        }
        c.tags = clean.toArray(String[]::new);
        return List.copyOf(clean);
    }
}
