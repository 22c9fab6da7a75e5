package io.parley.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/** Points Parley at the fake DeepSeek server, with an API key, so that answers come from "the model". */
public class FakeDeepSeekResource implements QuarkusTestResourceLifecycleManager {

    /** Init arg {@code providers}: more provider names, each served by the fake under its own path. */
    private String[] extraProviders = new String[0];

    @Override
    public void init(Map<String, String> initArgs) {
        String providers = initArgs.get("providers");
        if (providers != null && !providers.isBlank()) {
            extraProviders = providers.split(",");
        }
    }

    @Override
    public Map<String, String> start() {
        FakeDeepSeek server = FakeDeepSeek.get();
        Map<String, String> config = new HashMap<>(Map.of("parley.llm.base-url", "http://127.0.0.1:" + server.port(),
                "parley.llm.api-key", FakeDeepSeek.API_KEY,
                "parley.llm.model", "deepseek-v4-flash",
                "parley.llm.first-token-timeout", "3s",
                "parley.llm.idle-timeout", "2s",
                "parley.llm.retry.initial-backoff", "50ms",
                "parley.llm.vision-model", "deepseek-vl2")); // only a customer's image goes to it
        for (String name : extraProviders) {
            config.put("parley.llm.providers." + name + ".base-url", "http://127.0.0.1:" + server.port() + "/" + name + "/v1");
            config.put("parley.llm.providers." + name + ".api-key", "sk-" + name + "-test-key");
        }
        return config;
    }

    @Override
    public void stop() {
        // one server per JVM
    }
}
