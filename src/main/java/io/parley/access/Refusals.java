package io.parley.access;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Each refused request leaves an audit entry, written on a worker thread (never on the event loop). */
@ApplicationScoped
class Refusals {

    private static final Logger LOG = Logger.getLogger(Refusals.class);

    Uni<Void> record(Area area, String client, String who, String what) {
        return Uni.createFrom().<Void>item(() -> {
            LOG.infof("refused %s from %s (%s)", what, client, area.key);
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
