package io.parley.compliance;

import io.parley.llm.ModelRouter;
import io.parley.llm.ProviderRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Data residency: with {@code parley.compliance.allowed-regions} set, Parley does not start while a
 * tier's fallback chain links to a provider whose region (its {@code region} setting) is not listed
 * or not set, so no customer text can be sent to a region it must not go to. The offline engine runs
 * inside Parley and is always allowed.
 */
@ApplicationScoped
public class Residency {

    void check(@Observes StartupEvent start, ComplianceConfig config, ModelRouter router, ProviderRegistry providers) {
        List<String> refused = refusals(config.allowedRegions().orElse(List.of()), router.tiers().values(),
                name -> providers.get(name) == null ? null : providers.get(name).region());
        if (!refused.isEmpty()) {
            throw new IllegalStateException("parley.compliance.allowed-regions=" + String.join(",", config.allowedRegions().orElseThrow())
                    + " refuses to start: " + String.join("; ", refused)
                    + ". Tag each provider with its region (parley.llm.region, parley.llm.providers.<name>.region) or take the link out of the tier");
        }
    }

    /**
     * What breaks the rule, one line per tier link (empty: nothing, or no allowed regions configured).
     *
     * @param regionOf a provider's region by name, null when it has none
     */
    static List<String> refusals(List<String> allowedRegions, Collection<ModelRouter.Tier> tiers, Function<String, String> regionOf) {
        Set<String> allowed = allowedRegions.stream().map(Residency::normal).filter(r -> !r.isEmpty()).collect(Collectors.toSet());
        List<String> refused = new ArrayList<>();
        if (allowed.isEmpty()) {
            return refused;
        }
        for (ModelRouter.Tier tier : tiers) {
            for (ModelRouter.Link link : tier.chain()) {
                if (link.provider() == null) {
                    continue; // the offline engine: nothing leaves Parley
                }
                String region = regionOf.apply(link.provider());
                if (region == null || region.isBlank()) {
                    refused.add("tier " + tier.name() + " links to " + link + ", whose provider has no region");
                } else if (!allowed.contains(normal(region))) {
                    refused.add("tier " + tier.name() + " links to " + link + ", whose data goes to region " + region);
                }
            }
        }
        return refused;
    }

    private static String normal(String region) {
        return region.strip().toLowerCase(Locale.ROOT);
    }
}
