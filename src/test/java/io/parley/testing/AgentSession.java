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

    private final String cookie;

    private AgentSession(String cookie) {
        this.cookie = cookie;
    }

    public static AgentSession admin() {
        return signIn(ADMIN, ADMIN_PASSWORD);
    }

    public static AgentSession signIn(String username, String password) {
        Response r = RestAssured.given().contentType(ContentType.URLENC)
                .formParam("j_username", username).formParam("j_password", password)
                .post("/j_security_check");
        if (r.statusCode() != 200 || r.getCookie(COOKIE) == null) {
            throw new AssertionError("sign-in of " + username + " failed: " + r.statusCode());
        }
        return new AgentSession(r.getCookie(COOKIE));
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
        return RestAssured.given().cookie(COOKIE, cookie);
    }

    /** The Cookie header for a WebSocket upgrade. */
    public String cookieHeader() {
        return COOKIE + "=" + cookie;
    }
}
