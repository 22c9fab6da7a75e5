package io.parley.agent;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The agent console's socket (docs/protocol.md, "Agent socket"). The HTTP upgrade needs a signed-in
 * agent (session cookie): anyone else, a customer's token included, gets 401 before any frame.
 */
@WebSocket(path = "/ws/agent")
@RolesAllowed({Agent.AGENT, Agent.ADMIN})
public class AgentSocket {

    private static final Logger LOG = Logger.getLogger(AgentSocket.class);

    @Inject
    SecurityIdentity identity;

    @Inject
    AgentProtocol protocol;

    @OnOpen
    void onOpen(WebSocketConnection connection) {
        protocol.onOpen(connection, identity);
    }

    @OnTextMessage
    void onFrame(WebSocketConnection connection, String frame) {
        protocol.onFrame(connection, frame);
    }

    /** A dropped or oversized connection is routine: one debug line, not a stack trace per attempt. */
    @OnError
    void onError(WebSocketConnection connection, Throwable failure) {
        LOG.debugf("agent socket %s failed: %s", connection.id(), failure.getMessage());
    }

    @OnClose
    void onClose(WebSocketConnection connection) {
        protocol.onClose(connection);
    }
}
