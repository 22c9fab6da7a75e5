package io.parley.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points Parley at the fake DeepSeek server, with an API key, so that answers come from "the model". */
public class FakeDeepSeekResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        FakeDeepSeek server = FakeDeepSeek.get();
        return Map.of("parley.llm.base-url", "http://127.0.0.1:" + server.port(),
                "parley.llm.api-key", FakeDeepSeek.API_KEY,
                "parley.llm.model", "deepseek-v4-flash",
                "parley.llm.first-token-timeout", "3s",
                "parley.llm.idle-timeout", "2s");
    }

    @Override
    public void stop() {
        // one server per JVM
    }
}
