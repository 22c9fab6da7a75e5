package io.parley.llm;

import java.util.Optional;

/** Sampling parameters of one tier, sent with each of its requests. */
public record TierParams(double temperature, Optional<Double> topP, int maxTokens, Optional<Double> frequencyPenalty,
                         boolean reasoning, boolean actions) {

    static TierParams of(LlmConfig base, LlmConfig.TierConfig tier) {
        return new TierParams(tier.temperature().orElse(base.temperature()),
                tier.topP().isPresent() ? tier.topP() : base.topP(),
                tier.maxTokens().orElse(base.maxTokens()),
                tier.frequencyPenalty().isPresent() ? tier.frequencyPenalty() : base.frequencyPenalty(),
                tier.reasoning(), tier.actions());
    }

    /** The same, with the business's actions not offered (a vision model's turn). */
    TierParams withoutActions() {
        return new TierParams(temperature, topP, maxTokens, frequencyPenalty, reasoning, false);
    }

    static TierParams of(LlmConfig base) {
        return new TierParams(base.temperature(), base.topP(), base.maxTokens(), base.frequencyPenalty(), false, true);
    }
}
