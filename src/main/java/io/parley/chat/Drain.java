package io.parley.chat;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Graceful shutdown. On SIGTERM: refuse new sockets (HTTP 503 on upgrade), let streaming answers
 * finish for up to {@code parley.chat.shutdown-grace}, store the unfinished ones as interrupted, then
 * close every customer socket with 1012 (service restart) so that clients reconnect elsewhere.
 */
@ApplicationScoped
public class Drain implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(Drain.class);
    static final CloseReason RESTARTING = new CloseReason(1012, "server restarting, reconnect");

    private final TurnService turns;
    private final ConversationHub hub;
    private final ChatConfig config;
    private volatile boolean draining;

    Drain(TurnService turns, ConversationHub hub, ChatConfig config) {
        this.turns = turns;
        this.hub = hub;
        this.config = config;
    }

    /** Fired first thing on SIGTERM (quarkus.shutdown.delay is set), before Quarkus waits for open requests. */
    void onShutdown(@Observes @Priority(1) ShutdownDelayInitiatedEvent event) {
        draining = true;
        LOG.infof("draining: %d sockets, %d streaming answers", hub.connections(), turns.activeTurns());
        int streaming = turns.activeTurns();
        if (streaming > 0) {
            LOG.infof("shutting down: letting %d streaming answers finish (up to %s)", streaming, config.shutdownGrace());
        }
        turns.drain(config.shutdownGrace());
        hub.closeAll(RESTARTING);
    }

    @Override
    public io.smallrye.mutiny.Uni<CheckResult> perform(HttpUpgradeContext context) {
        return draining ? CheckResult.rejectUpgrade(503) : CheckResult.permitUpgrade();
    }
}
