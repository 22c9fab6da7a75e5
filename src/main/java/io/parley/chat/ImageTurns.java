package io.parley.chat;

import io.parley.answer.StructuredAnswer;
import io.parley.conversation.Conversation;
import io.parley.conversation.Message;
import io.parley.conversation.TurnStore;
import io.parley.failure.LogFields;
import io.parley.llm.ChatRequest;
import io.parley.llm.LlmConfig;
import io.parley.llm.ModelRouter;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * A customer's image as a turn. When the conversation's tier has a vision model, the image message
 * (stored by the caller, its echo delivered) is answered through the same turn as a text message: a
 * reserved answer row, the model's answer streamed to every connection of the conversation, its
 * {@code llm_call} row, the hand-off rules; never the answer cache. When the model cannot answer
 * before any text, the caller's honest reply (a person will look at it) is stored instead, and its
 * hand-off flag hands the conversation over: no answer claims a look that did not happen.
 */
@ApplicationScoped
public class ImageTurns {

    /** The image of a turn, and the answer stored when no model sees it. */
    record Image(ChatRequest.Image image, StructuredAnswer unseen) {
    }

    private final TurnService turns;
    private final ModelRouter router;
    private final TurnStore store;
    private final LlmConfig llm;

    ImageTurns(TurnService turns, ModelRouter router, TurnStore store, LlmConfig llm) {
        this.turns = turns;
        this.router = router;
        this.store = store;
        this.llm = llm;
    }

    /** Whether a model would look at an image the customer sends into {@code c} now (its tier has a vision model, enabled). */
    public boolean seen(Conversation c, String text) {
        return router.vision(new ModelRouter.Turn(c.id, "", 0, text, c.locale, List.of(), c.priority)).isPresent();
    }

    /**
     * Answers the stored image message {@code customer} with the tier's vision model (the image and the
     * recent history, the message's own text as the text part); {@code unseen} is the answer stored when
     * it cannot.
     */
    public void answer(Conversation c, Message customer, String mediaType, byte[] bytes, String unseen) {
        StructuredAnswer honest = new StructuredAnswer(StructuredAnswer.UNKNOWN, 0, List.of(), null, true, List.of(), unseen);
        LogFields.turn(customer.msgId, c.id, () -> turns.answer(c.id, c.locale, customer, null,
                store.history(c.id, customer.seq, llm.historyMessages()), c.priority,
                new Image(new ChatRequest.Image(mediaType, bytes), honest))).run();
    }
}
