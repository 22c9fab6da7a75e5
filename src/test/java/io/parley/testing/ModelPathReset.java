package io.parley.testing;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.context.ApplicationScoped;

/** Puts the model path back to a known state between tests: no queued replies, circuits closed, empty answer cache. */
@ApplicationScoped
public class ModelPathReset {

    private final Cache answers;

    ModelPathReset(@CacheName("parley-answers") Cache answers) {
        this.answers = answers;
    }

    public void reset() {
        FakeDeepSeek.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
        answers.invalidateAll().await().indefinitely();
    }
}
