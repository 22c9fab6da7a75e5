package io.parley.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts {@code src/test/llama/server.js} (an OpenAI-compatible streaming server around a real
 * llama.cpp, node-llama-cpp on the CPU, with the tiny stories260K model) as a child process on a free
 * 127.0.0.1 port, loads the model once, and points Parley's primary provider at it, with the offline
 * engine behind it as usual.
 *
 * <p>Without {@code src/test/llama/node_modules} (or node) nothing is started and
 * {@link #unavailable()} says why; the test then skips, unless {@code PARLEY_REAL_MODEL_TESTS=required}
 * (set by .ci/run), where it fails.
 */
public class LlamaServerResource implements QuarkusTestResourceLifecycleManager {

    public static final Path DIR = Path.of("src", "test", "llama");
    public static final String API_KEY = "sk-llama-local-test";
    public static final String MODEL = "stories260K";
    /** Set (to the reason) when the server could not be started for want of node or its packages. */
    private static final String UNAVAILABLE = "parley.test.llama-unavailable";
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");

    private Process process;

    /** Why the real-model server is not running, or null when it is. */
    public static String unavailable() {
        return System.getProperty(UNAVAILABLE);
    }

    @Override
    public Map<String, String> start() {
        String missing = missing();
        Map<String, String> config = new HashMap<>();
        config.put("parley.llm.provider", "llama");
        config.put("parley.llm.api-key", API_KEY);
        config.put("parley.llm.model", MODEL);
        // a complete answer under Parley's schema grammar takes the tiny model 130-160 tokens
        config.put("parley.llm.max-tokens", "256");
        // generous for a loaded CI machine; the first token usually comes within tens of milliseconds
        config.put("parley.llm.first-token-timeout", "20s");
        config.put("parley.llm.idle-timeout", "10s");
        config.put("parley.llm.retry.initial-backoff", "50ms");
        if (missing != null) {
            System.setProperty(UNAVAILABLE, missing);
            config.put("parley.llm.base-url", "http://127.0.0.1:9/v1"); // nothing listens: offline answers
            return config;
        }
        System.clearProperty(UNAVAILABLE);
        try {
            // one thread (see server.js), a fixed seed so that a run can be repeated
            ProcessBuilder pb = new ProcessBuilder("node", "server.js", "--port", "0", "--seed", "42", "--exit-with-stdin")
                    .directory(DIR.toFile())
                    .redirectErrorStream(true);
            process = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> url = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        System.out.println("[llama-server] " + line);
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            url.complete(m.group(1));
                        }
                    }
                    url.completeExceptionally(new IllegalStateException("llama-server exited before listening"));
                } catch (IOException e) {
                    url.completeExceptionally(e);
                }
            }, "llama-server-output");
            reader.setDaemon(true);
            reader.start();
            String base = url.get(90, TimeUnit.SECONDS);
            config.put("parley.llm.base-url", base + "/v1");
            return config;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("could not start the real-model server (node " + DIR.resolve("server.js") + "): " + e, e);
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            process = null;
        }
    }

    private static String missing() {
        if (!Files.isDirectory(DIR.resolve(Path.of("node_modules", "node-llama-cpp")))
                || !Files.isDirectory(DIR.resolve(Path.of("node_modules", "@node-llama-cpp", "linux-x64")))) {
            return "real-model tests need `NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci --prefix src/test/llama --omit=optional` (see README)";
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, "node").canExecute()) {
                return null;
            }
        }
        return "real-model tests need node on the PATH";
    }
}
