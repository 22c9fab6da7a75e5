package io.parley.lifecycle;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;

@ConfigMapping(prefix = "parley.agents")
public interface HandoffConfig {

    /** Answers with one of these intents hand the conversation to a person (as does the answer's handoff flag). */
    @WithDefault("human_agent")
    List<String> handoffIntents();
}
