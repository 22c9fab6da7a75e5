package io.parley.ops;

import io.parley.testing.AgentSession;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS as the README configures it, with a self-signed certificate made by keytool for this run:
 * HTTPS serves the pages (TLS 1.3), plain HTTP is redirected to HTTPS, answers carry HSTS, and the
 * session cookies set by a sign-in over HTTPS are {@code Secure}.
 */
@QuarkusTest
@TestProfile(TlsTest.WithTls.class)
@WithTestResource(PostgresResource.class)
class TlsTest {

    static final Path KEYSTORE = Path.of("target", "tls-test", "parley.p12").toAbsolutePath();
    static final String PASSWORD = "test-keystore-password";
    static final int HTTPS_PORT = freePort();

    public static class WithTls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            makeCertificate();
            return Map.of("quarkus.tls.key-store.p12.path", KEYSTORE.toString(),
                    "quarkus.tls.key-store.p12.password", PASSWORD,
                    "quarkus.tls.protocols", "TLSv1.3,TLSv1.2",
                    "quarkus.http.insecure-requests", "redirect",
                    "quarkus.http.test-ssl-port", String.valueOf(HTTPS_PORT));
        }
    }

    @TestHTTPResource("/")
    URI plain;

    @Test
    void httpsServesThePagesHttpRedirectsAndTheSessionCookiesAreSecure() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting()).followRedirects(HttpClient.Redirect.NEVER).build();
        URI https = URI.create("https://127.0.0.1:" + HTTPS_PORT + "/");

        HttpResponse<String> page = client.send(HttpRequest.newBuilder(https).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<html");
        assertThat(page.sslSession()).get().extracting(s -> s.getProtocol()).isEqualTo("TLSv1.3");
        assertThat(page.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");

        // HTTP/1.1 as browsers speak plain HTTP (Quarkus redirects by the Host header, which h2c has not)
        HttpResponse<String> redirect = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain.getPort() + "/console/"))
                        .version(HttpClient.Version.HTTP_1_1).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("Location")).get().asString().startsWith("https://").contains(":" + HTTPS_PORT + "/console/");
        assertThat(redirect.headers().firstValue("Strict-Transport-Security")).isEmpty();

        HttpResponse<String> signIn = client.send(HttpRequest.newBuilder(https.resolve("/j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=admin&j_password=" + AgentSession.ADMIN_PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(200);
        List<String> cookies = signIn.headers().allValues("Set-Cookie");
        assertThat(cookies).anyMatch(c -> c.startsWith(AgentSession.COOKIE + "=")).anyMatch(c -> c.startsWith(AgentSession.MARKER + "="));
        assertThat(cookies).allMatch(c -> c.contains("; Secure"), "every session cookie is Secure");
    }

    private static SSLContext trusting() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(KEYSTORE.toFile())) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** The README's keytool command: a self-signed certificate for localhost and 127.0.0.1. */
    static void makeCertificate() {
        try {
            Files.createDirectories(KEYSTORE.getParent());
            Files.deleteIfExists(KEYSTORE);
            Process p = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "keytool",
                    "-genkeypair", "-alias", "parley", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", KEYSTORE.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
