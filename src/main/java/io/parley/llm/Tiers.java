package io.parley.llm;

import io.parley.llm.ModelRouter.Link;
import io.parley.llm.ModelRouter.Tier;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The tiers as configured, checked at start: each names only configured providers. */
final class Tiers {

    private Tiers() {
    }

    /**
     * The configured tiers and, without a {@code default} one, a tier of the primary provider's model
     * followed by the offline engine (its vision model: {@code parley.llm.vision-model}).
     */
    static Map<String, Tier> of(LlmConfig config, boolean maskBeforeModel, Predicate<String> providerConfigured) {
        Map<String, Tier> tiers = new LinkedHashMap<>();
        config.tiers().forEach((name, t) -> {
            List<Link> chain = t.chain().stream().map(Link::parse).toList();
            Link vision = t.visionModel().map(model -> new Link(chain.stream().filter(l -> !l.offline()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("tier " + name + " has a vision model but no provider in its chain"))
                    .provider(), model)).orElse(null);
            tiers.put(name, new Tier(name, chain, TierParams.of(config, t), t.maskPersonalData().orElse(maskBeforeModel), vision));
        });
        String fallback = config.routing().defaultTier();
        tiers.putIfAbsent(fallback, new Tier(fallback, List.of(new Link(config.provider(), config.model()), new Link(null, "rules")),
                TierParams.of(config), maskBeforeModel, config.visionModel().map(m -> new Link(config.provider(), m)).orElse(null)));
        for (Tier tier : tiers.values()) {
            for (Link link : tier.chain()) {
                if (!link.offline() && !providerConfigured.test(link.provider())) {
                    throw new IllegalStateException("tier " + tier.name() + " names provider " + link.provider()
                            + ", which is not configured (parley.llm.providers." + link.provider() + ".base-url)");
                }
            }
        }
        return tiers;
    }
}
