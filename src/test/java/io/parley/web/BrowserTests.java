package io.parley.web;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a browser test from {@code frontend/tests} (Node + playwright-core + Debian's Chromium) against
 * the app under test. On a machine without them the test is skipped, unless
 * {@code PARLEY_BROWSER_TESTS=required} (set by .ci/run), where it fails instead.
 */
final class BrowserTests {

    private BrowserTests() {
    }

    static void run(String script, String baseUrl) throws Exception {
        run(script, baseUrl, java.util.Map.of());
    }

    /** As {@link #run(String, String)}, with environment variables for the script (accounts to sign in with). */
    static void run(String script, String baseUrl, java.util.Map<String, String> env) throws Exception {
        boolean required = "required".equals(System.getenv("PARLEY_BROWSER_TESTS"));
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        boolean ready = new File(chromium).canExecute()
                && Files.isDirectory(Path.of("frontend", "node_modules", "playwright-core"))
                && onPath("node");
        if (!ready) {
            String why = "browser tests need node, " + chromium + " and `npm ci --prefix frontend` (see README)";
            assertThat(required).as(why).isFalse();
            Assumptions.abort(why);
        }
        ProcessBuilder pb = new ProcessBuilder("node", "tests/" + script, baseUrl).directory(new File("frontend")).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output;
        boolean finished = p.waitFor(120, TimeUnit.SECONDS);
        output = new String(p.getInputStream().readAllBytes());
        if (!finished) {
            p.destroyForcibly();
        }
        System.out.println(output);
        assertThat(finished).as("browser test finished in time").isTrue();
        assertThat(p.exitValue()).as("browser test %s:%n%s", script, output).isZero();
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, command).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
