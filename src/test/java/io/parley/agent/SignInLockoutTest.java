package io.parley.agent;

import io.parley.testing.AgentSession;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password guessing is cut short: after a few wrong passwords for one account from one address that
 * pair is locked (429 rate_limited, Retry-After) whatever is sent, while the right password from
 * another address still signs in; one address spreading guesses over many accounts is locked too.
 * The other addresses are loopback aliases (127.0.0.x) the test binds its client sockets to.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class SignInLockoutTest {

    @TestHTTPResource("/")
    URI root;

    /** A sign-in sent from {@code from}: the status line, the headers and the body. */
    private String signIn(String from, String username, String password) throws IOException {
        String body = "j_username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&j_password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", root.getPort()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /j_security_check HTTP/1.1\r\nHost: 127.0.0.1:" + root.getPort()
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    private static void agent(String username) {
        AgentSession.admin().given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", "password-of-" + username, "displayName", username, "role", "agent"))
                .post("/api/agents");
    }

    @Test
    void wrongPasswordsLockTheAccountFromThatAddressOnlyAndTheRightOneFromElsewhereStillWorks() throws Exception {
        agent("lou-lock");
        for (int i = 0; i < 5; i++) {
            assertThat(status(signIn("127.0.0.2", "lou-lock", "wrong-guess-" + i))).isEqualTo(401);
        }
        String locked = signIn("127.0.0.2", "lou-lock", "wrong-guess-5");
        assertThat(status(locked)).isEqualTo(429);
        assertThat(locked).containsIgnoringCase("Retry-After: ").contains("application/problem+json")
                .contains("\"code\":\"rate_limited\"").contains("\"retryAfterMs\":").contains("Too many failed sign-ins");
        assertThat(locked).doesNotContainIgnoringCase("Set-Cookie");
        // while locked even the right password is not tried: the answer tells a guesser nothing
        assertThat(status(signIn("127.0.0.2", "lou-lock", "password-of-lou-lock"))).isEqualTo(429);
        // the agent, from their own address, signs in
        assertThat(status(signIn("127.0.0.1", "lou-lock", "password-of-lou-lock"))).isEqualTo(200);
        AgentSession.signIn("lou-lock", "password-of-lou-lock").given().get("/api/agents/me").then().statusCode(200);
    }

    @Test
    void aFloodOfGuessesIsNotAllTried() throws Exception {
        agent("fay-flood");
        int tried = 0;
        int refused = 0;
        for (int i = 0; i < 60; i++) { // bounded: 60 attempts, each answered at once once locked
            int status = status(signIn("127.0.0.4", "fay-flood", "guess-number-" + i));
            if (status == 401) {
                tried++;
            } else if (status == 429) {
                refused++;
            }
        }
        assertThat(tried).isEqualTo(5);
        assertThat(refused).isEqualTo(55);
    }

    @Test
    void oneAddressGuessingManyAccountsIsLockedToo() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(status(signIn("127.0.0.3", "nobody-" + i, "some-password"))).isEqualTo(401);
        }
        assertThat(status(signIn("127.0.0.3", "admin", AgentSession.ADMIN_PASSWORD))).isEqualTo(429);
        // the admin from anywhere else is not affected
        assertThat(status(signIn("127.0.0.5", "admin", AgentSession.ADMIN_PASSWORD))).isEqualTo(200);
    }
}
