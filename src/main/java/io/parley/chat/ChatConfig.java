package io.parley.chat;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "parley.chat")
public interface ChatConfig {

    /** Frames larger than this (UTF-8 bytes) get {@code error too_large}; the connection stays open. */
    @WithDefault("16384")
    int maxFrameBytes();

    /** Longest customer message, in characters. */
    @WithDefault("4000")
    int maxTextChars();

    /**
     * Answer text arriving within this window after a delta frame goes out as one {@code answer.delta}
     * frame instead of one frame per model token; text after a quiet window (the first of an answer)
     * goes out at once. 50 ms is below what a reader notices and, at a model's 20–60 tokens/s, about
     * halves the frames each answer costs the server and the browser. 0: one frame per chunk.
     */
    @WithDefault("50ms")
    Duration deltaCoalesce();

    /**
     * How often the text of a streaming answer is saved, so that a crash leaves what the customer saw
     * stored with the interrupted answer. Shorter: more text kept; longer: fewer writes per turn.
     */
    @WithDefault("2s")
    Duration partialSaveEvery();

    /**
     * How long a finished answer whose write failed (the database is away) is kept and written
     * again before it is left to the sweep, which stores it as interrupted.
     */
    @WithDefault("60s")
    Duration answerWriteRetry();

    /**
     * How often every open conversation's last seq is compared with what its connections were sent,
     * so that a lost notification only delays a message (read by ConversationHub's schedule).
     */
    @WithDefault("15s")
    Duration catchUpEvery();

    /**
     * An answer whose intent confidence is below this is unsure. A second unsure answer in a row is
     * replaced by a clarifying question that offers a person (see {@link Clarification}).
     */
    @WithDefault("0.5")
    double lowConfidence();

    /**
     * Bytes of frames a connection may have queued but not yet written to its socket. A client that
     * reads too slowly for its live frames is closed with 1013 (try again later) beyond it; it
     * reconnects and resumes with {@code hello {token, lastSeq}}. Replay pauses at half of it.
     */
    @WithDefault("1048576")
    int sendQueueBytes();

    /** Stored messages read per query when a connection is replayed or caught up (a page, never the whole history). */
    @WithDefault("100")
    int replayPage();

    /**
     * How long a paused replay waits for its connection's queue to drain below a quarter of
     * {@link #sendQueueBytes()}; a reader stalled longer is closed with 1013. No thread waits meanwhile.
     */
    @WithDefault("20s")
    Duration drainTimeout();

    /**
     * A connection none of whose writes completed for this long is cut (see {@link WriteTimeout}); keep
     * it above {@code quarkus.websockets-next.server.auto-ping-interval}, whose pings keep idle sockets writing.
     */
    @WithDefault("60s")
    Duration writeTimeout();

    /** On SIGTERM, how long streaming answers may go on before they are stored as interrupted. */
    @WithDefault("10s")
    Duration shutdownGrace();
}
