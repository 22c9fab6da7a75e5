package io.parley.testing;

import io.parley.llm.ModelRouter;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.context.ApplicationScoped;

/** Puts the model path back to a known state between tests: no queued replies, circuits closed, empty answer cache,
 * every provider asked for JSON mode again. */
@ApplicationScoped
public class ModelPathReset {

    private final Cache answers;
    private final ModelRouter router;

    ModelPathReset(@CacheName("parley-answers") Cache answers, ModelRouter router) {
        this.answers = answers;
        this.router = router;
    }

    public void reset() {
        FakeDeepSeek.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
        answers.invalidateAll().await().indefinitely();
        router.forgetFormatRefusals();
    }
}
