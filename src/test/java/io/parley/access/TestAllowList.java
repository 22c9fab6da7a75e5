package io.parley.access;

import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/** The allow-list of the running test app, changeable per test (every area open unless a test closes it). */
@Alternative
@Priority(1)
@Singleton
public class TestAllowList extends AllowList {

    @Inject
    TestAllowList(AccessConfig config) {
        super(config);
    }

    public void only(Area area, String... ranges) {
        set(area, Optional.of(List.of(ranges)));
    }

    public void openAll() {
        for (Area area : Area.values()) {
            set(area, Optional.empty());
        }
    }
}
