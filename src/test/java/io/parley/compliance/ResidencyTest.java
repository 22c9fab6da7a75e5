package io.parley.compliance;

import io.parley.llm.ModelRouter.Link;
import io.parley.llm.ModelRouter.Tier;
import io.parley.llm.TierParams;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up check of data residency: which tier links parley.compliance.allowed-regions refuses. */
class ResidencyTest {

    private static final TierParams PARAMS = new TierParams(0.3, Optional.empty(), 1024, Optional.empty(), false, true);
    private static final Map<String, String> REGIONS = Map.of("deepseek", "cn", "azure-eu", "EU");

    private static Tier tier(String name, Link... links) {
        return new Tier(name, List.of(links), PARAMS, true);
    }

    private static final List<Tier> TIERS = List.of(
            tier("default", new Link("azure-eu", "gpt-4o-mini"), new Link(null, "rules")),
            tier("premium", new Link("azure-eu", "gpt-4o"), new Link("deepseek", "deepseek-v4-pro"), new Link("local", "qwen"),
                    new Link(null, "rules")));

    @Test
    void withoutAllowedRegionsNothingIsRefused() {
        assertThat(Residency.refusals(List.of(), TIERS, REGIONS::get)).isEmpty();
    }

    @Test
    void aLinkToAProviderOfAnotherRegionOrOfNoneIsRefusedByName() {
        assertThat(Residency.refusals(List.of("eu"), TIERS, REGIONS::get)).containsExactly(
                "tier premium links to deepseek:deepseek-v4-pro, whose data goes to region cn",
                "tier premium links to local:qwen, whose provider has no region");
    }

    @Test
    void regionsCompareWithoutCaseAndTheOfflineEngineIsAlwaysAllowed() {
        assertThat(Residency.refusals(List.of(" EU ", "cn"), List.of(TIERS.get(0), tier("x", new Link("deepseek", "m"))), REGIONS::get))
                .isEmpty();
        assertThat(Residency.refusals(List.of("us"), List.of(tier("offline-only", new Link(null, "rules"))), REGIONS::get)).isEmpty();
    }
}
