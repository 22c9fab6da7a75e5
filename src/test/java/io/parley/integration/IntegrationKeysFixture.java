package io.parley.integration;

import io.parley.testing.AgentSession;
import io.restassured.http.ContentType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Integration keys made the way an admin makes them: through the console's API. */
final class IntegrationKeysFixture {

    private IntegrationKeysFixture() {
    }

    /** A new key's secret, with {@code scopes} and {@code perMinute} calls a minute. */
    static String key(String name, int perMinute, String... scopes) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("scopes", List.of(scopes));
        body.put("perMinute", perMinute);
        return AgentSession.admin().given().contentType(ContentType.JSON).body(body)
                .post("/api/integration-keys").then().statusCode(201).extract().path("secret");
    }

    static String chatKey() {
        return key("tests", 100_000, "chat", "read");
    }
}
