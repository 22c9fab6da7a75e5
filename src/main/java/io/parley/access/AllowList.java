package io.parley.access;

import io.parley.ops.AddressRanges;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The allow-lists of {@link AccessConfig}, parsed once (a bad entry stops the start with the setting's name). */
@ApplicationScoped
public class AllowList {

    private final Map<Area, AddressRanges> lists = new ConcurrentHashMap<>();

    AllowList(AccessConfig config) {
        set(Area.CONSOLE, config.console());
        set(Area.API, config.api());
        set(Area.AGENT_SOCKET, config.agentSocket());
        set(Area.ADMIN, config.admin());
    }

    /** Replaces one area's list (empty: open to all). Here for tests that change the lists of a running Parley. */
    protected void set(Area area, Optional<List<String>> specs) {
        lists.put(area, AddressRanges.parse(area.key, specs.orElse(List.of())));
    }

    public boolean allows(Area area, String address) {
        AddressRanges ranges = lists.get(area);
        return ranges.isEmpty() || ranges.contains(address);
    }
}
