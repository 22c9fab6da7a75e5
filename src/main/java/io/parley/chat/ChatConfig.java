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
     * Answer text arriving within this window goes out as one {@code answer.delta} frame instead of
     * one frame per model token (far fewer frames at scale, no visible difference). 0: one per chunk.
     */
    @WithDefault("15ms")
    Duration deltaCoalesce();

    /**
     * How often the text of a streaming answer is saved, so that a crash leaves what the customer saw
     * stored with the interrupted answer. Shorter: more text kept; longer: fewer writes per turn.
     */
    @WithDefault("2s")
    Duration partialSaveEvery();

    /** On SIGTERM, how long streaming answers may go on before they are stored as interrupted. */
    @WithDefault("10s")
    Duration shutdownGrace();
}
