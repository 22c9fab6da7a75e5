package io.parley.conversation;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Housekeeping on a schedule: resolves conversations without activity for {@code parley.conversation.inactive-after},
 * and turns answers left streaming by a dead instance into stored, interrupted answers.
 * Safe on several instances at once: every change is a locked, legal transition.
 */
@ApplicationScoped
public class InactivityJob {

    private static final Logger LOG = Logger.getLogger(InactivityJob.class);

    private final ConversationStore store;
    private final Duration inactiveAfter;

    InactivityJob(ConversationStore store, @ConfigProperty(name = "parley.conversation.inactive-after", defaultValue = "30m") Duration inactiveAfter) {
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
            int interrupted = store.sweepInterrupted(null).size();
            if (interrupted > 0) {
                LOG.infof("stored %d answers left streaming by a stopped instance as interrupted", interrupted);
            }
        } catch (RuntimeException e) {
            LOG.warnf("housekeeping skipped: %s", e.getMessage());
        }
    }
}
