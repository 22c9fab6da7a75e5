package io.parley.lifecycle;

import io.parley.conversation.TurnStore;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Resolves conversations without activity for {@code parley.conversation.inactive-after}, on a schedule.
 * Safe on several instances at once: every change is a locked, legal transition.
 * (Answers left streaming by a dead instance are swept by the chat hub, which delivers them.)
 */
@ApplicationScoped
public class InactivityJob {

    private static final Logger LOG = Logger.getLogger(InactivityJob.class);

    private final TurnStore store;
    private final Duration inactiveAfter;

    InactivityJob(TurnStore store, @ConfigProperty(name = "parley.conversation.inactive-after", defaultValue = "30m") Duration inactiveAfter) {
        this.store = store;
        this.inactiveAfter = inactiveAfter;
    }

    @Scheduled(every = "${parley.conversation.sweep-every:60s}", delay = 5, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void sweep() {
        try {
            List<UUID> resolved = store.resolveInactive(inactiveAfter, 500);
            if (!resolved.isEmpty()) {
                LOG.infof("resolved %d conversations inactive for %s", resolved.size(), inactiveAfter);
            }
        } catch (RuntimeException e) {
            LOG.warnf("housekeeping skipped: %s", e.getMessage());
        }
    }
}
