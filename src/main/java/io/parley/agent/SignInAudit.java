package io.parley.agent;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.parley.ops.ClientAddress;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;

/**
 * Every sign-in attempt leaves an audit entry once its answer is known: 200 signed in, 401 a wrong
 * password or a disabled account, 429 locked out ({@link SignInGuard}), 403 refused for its origin
 * ({@link ConsoleGate}). The password is never recorded; a failed attempt's account name is the target.
 */
@ApplicationScoped
public class SignInAudit {

    private static final int MAX_NAME = 64;

    private final AuditTrail audit;
    private final ClientAddress clientAddress;

    SignInAudit(AuditTrail audit, ClientAddress clientAddress) {
        this.audit = audit;
        this.clientAddress = clientAddress;
    }

    void filters(@Observes Filters filters) {
        filters.register(rc -> {
            if (rc.request().method() == HttpMethod.POST && SessionGuard.SIGN_IN.equals(rc.normalizedPath())) {
                String address = clientAddress.of(rc.request());
                rc.addEndHandler(done -> record(rc, address));
            }
            rc.next();
        }, 255); // ahead of the console gate (250), so that its refusals are recorded too
    }

    private void record(RoutingContext rc, String address) {
        int status = rc.response().getStatusCode();
        String name = rc.request().getFormAttribute("j_username");
        String username = name == null ? "" : name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
        if (status == 200) {
            audit.recordLater(new AuditEntry(username, address, AuditAction.SIGN_IN, username, AuditOutcome.OK, Map.of()));
        } else {
            String reason = switch (status) {
                case 401 -> "wrong_credentials_or_disabled";
                case 429 -> "locked_out";
                case 403 -> "foreign_origin";
                default -> "status_" + status;
            };
            audit.recordLater(new AuditEntry("anonymous", address, AuditAction.SIGN_IN_FAILED, username,
                    status == 429 || status == 403 ? AuditOutcome.DENIED : AuditOutcome.FAILED, Map.of("reason", reason, "status", status)));
        }
    }
}
