package io.parley.access;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;

/** Each refused request leaves an audit entry, written on a worker thread before the 403 goes out. */
@ApplicationScoped
class Refusals {

    private static final Logger LOG = Logger.getLogger(Refusals.class);

    private final AuditTrail audit;

    Refusals(AuditTrail audit) {
        this.audit = audit;
    }

    /** @param who the signed-in agent when known (null before authentication) */
    Uni<Void> record(Area area, String client, String who, String what) {
        return Uni.createFrom().<Void>item(() -> {
            LOG.infof("refused %s from %s (%s)", what, client, area.key);
            audit.record(new AuditEntry(who == null ? ApiAudit.ANONYMOUS : who, client, AuditAction.ACCESS_DENIED, what,
                    AuditOutcome.DENIED, Map.of("list", area.key)));
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> LOG.errorf("refusal of %s from %s not audited: %s", what, client, e.getMessage()));
    }
}
