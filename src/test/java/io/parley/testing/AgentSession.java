package io.parley.testing;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.Map;

/** A signed-in agent for REST Assured calls: a real form sign-in, then the session cookie it set. */
public final class AgentSession {

    public static final String COOKIE = "quarkus-credential";
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "test-admin-password";

    /** Beside Quarkus's session cookie, the sign-in's marker (agent.Sessions). */
    public static final String MARKER = "parley-session";

    private final Map<String, String> cookies;

    private AgentSession(Map<String, String> cookies) {
        this.cookies = cookies;
    }

    public static AgentSession admin() {
        return signIn(ADMIN, ADMIN_PASSWORD);
    }

    public static AgentSession signIn(String username, String password) {
        Response r = RestAssured.given().contentType(ContentType.URLENC)
                .formParam("j_username", username).formParam("j_password", password)
                .post("/j_security_check");
        if (r.statusCode() != 200 || r.getCookie(COOKIE) == null || r.getCookie(MARKER) == null) {
            throw new AssertionError("sign-in of " + username + " failed: " + r.statusCode());
        }
        return new AgentSession(Map.of(COOKIE, r.getCookie(COOKIE), MARKER, r.getCookie(MARKER)));
    }

    /** An agent account created by the admin (or found, when an earlier test made it), signed in. */
    public static AgentSession agent(String username, String displayName) {
        String password = "password-of-" + username;
        admin().given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password, "displayName", displayName, "role", "agent"))
                .post("/api/agents");
        return signIn(username, password);
    }

    public RequestSpecification given() {
        return RestAssured.given().cookies(cookies);
    }

    /** One of the cookies the sign-in set. */
    public String cookie(String name) {
        return cookies.get(name);
    }

    /** The Cookie header for a WebSocket upgrade. */
    public String cookieHeader() {
        return COOKIE + "=" + cookies.get(COOKIE) + "; " + MARKER + "=" + cookies.get(MARKER);
    }
}
