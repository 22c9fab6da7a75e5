package io.parley.lifecycle;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;

@ConfigMapping(prefix = "parley.agents")
public interface HandoffConfig {

    /** Answers with one of these intents hand the conversation to a person (as does the answer's handoff flag). */
    @WithDefault("human_agent")
    List<String> handoffIntents();

    /**
     * A customer message containing one of these (case-insensitive) is an explicit request for a
     * person: it always hands off, whatever the model or the rules answered.
     */
    @WithDefault("人工,真人,转客服,找客服,联系客服,接客服,human,real person,live agent,an agent,a person,representative,operator,"
            + "talk to someone,speak to someone,put me through")
    List<String> handoffPhrases();
}
