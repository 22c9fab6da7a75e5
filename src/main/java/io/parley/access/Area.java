package io.parley.access;

/** The parts of Parley an allow-list can close, each with its own setting. */
public enum Area {
    CONSOLE("parley.access.console"),
    API("parley.access.api"),
    AGENT_SOCKET("parley.access.agent-socket"),
    ADMIN("parley.access.admin");

    public final String key;

    Area(String key) {
        this.key = key;
    }

    /** The area of a request path other than the agent socket and admin-only calls; null for customer paths. */
    static Area ofPath(String path) {
        if (path.startsWith("/api/") || path.equals("/api")) {
            return API;
        }
        if (path.equals("/console") || path.startsWith("/console/") || path.equals("/j_security_check")) {
            return CONSOLE;
        }
        return null;
    }
}
