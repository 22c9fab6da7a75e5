package io.parley.llm;

import io.parley.conversation.EntityValue;

import java.util.List;

/** What an answer engine streams for one turn: a head, text pieces, then the finished answer. */
public sealed interface AnswerEvent {

    /** Intent and entities, sent to the customer before the text. */
    record Head(String intent, double confidence, List<EntityValue> entities) implements AnswerEvent {
    }

    /** A piece of the answer text. */
    record Text(String text) implements AnswerEvent {
    }

    /** The finished answer and how it was produced. */
    record Done(StructuredAnswer answer, CallStats stats) implements AnswerEvent {
    }
}
