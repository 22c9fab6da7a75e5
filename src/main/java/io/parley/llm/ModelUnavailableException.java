package io.parley.llm;

/** Every link of the chain failed before any answer text, and the chain has no offline link. */
public class ModelUnavailableException extends RuntimeException {

    public ModelUnavailableException(String message) {
        super(message, null, false, false);
    }
}
