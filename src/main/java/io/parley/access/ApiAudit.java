package io.parley.access;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditDetails;
import io.parley.privacy.PersonalData;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.parley.audit.Audited;
import io.parley.ops.ClientAddress;
import io.quarkus.runtime.BlockingOperationControl;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.lang.reflect.Method;
import java.security.Principal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every {@code /api} call that reached a method leaves one audit entry: who (the signed-in agent), from
 * which address, what ({@link Audited} on the method, else a read or a write), on what (the path's
 * id), and the outcome from the status. Blocking endpoints record before the answer leaves; others on
 * a worker thread.
 */
@ApplicationScoped
public class ApiAudit {

    static final String ANONYMOUS = "anonymous";
    private static final int MAX_QUERY = 300;

    private final AuditTrail audit;
    private final ClientAddress clientAddress;
    private final AuditDetails endpointDetails;

    ApiAudit(AuditTrail audit, ClientAddress clientAddress, AuditDetails endpointDetails) {
        this.audit = audit;
        this.clientAddress = clientAddress;
        this.endpointDetails = endpointDetails;
    }

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource,
                       HttpServerRequest http) {
        if (!http.path().startsWith("/api/") || resource.getResourceMethod() == null) {
            return;
        }
        Method method = resource.getResourceMethod();
        Audited audited = method.getAnnotation(Audited.class);
        AuditAction action = audited != null ? audited.value() : http.method() == HttpMethod.GET ? AuditAction.API_READ : AuditAction.API_WRITE;
        Principal principal = request.getSecurityContext().getUserPrincipal();
        int status = response.getStatus();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", http.method().name());
        details.put("path", http.path());
        details.put("status", status);
        String query = http.query();
        if (query != null && !query.isEmpty()) {
            // a search for a customer's phone or e-mail must not rest in the append-only trail, which erasure cannot reach
            String kept = PersonalData.redact(decoded(query));
            details.put("query", kept.length() > MAX_QUERY ? kept.substring(0, MAX_QUERY) : kept);
        }
        details.putAll(endpointDetails.all());
        AuditEntry entry = new AuditEntry(principal == null ? ANONYMOUS : principal.getName(), clientAddress.of(http), action,
                target(request.getUriInfo().getPathParameters(), http.path()), outcome(status), details);
        if (BlockingOperationControl.isBlockingAllowed()) {
            audit.record(entry);
        } else {
            audit.recordLater(entry);
        }
    }

    private static String decoded(String query) {
        try {
            String decoded = URLDecoder.decode(query, StandardCharsets.UTF_8);
            // a NUL or a lone surrogate cannot be stored in jsonb: such a query is kept as it came, encoded
            return decoded.codePoints().anyMatch(c -> c == 0 || c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) ? query : decoded;
        } catch (IllegalArgumentException e) {
            return query; // a malformed escape: redacted as it came
        }
    }

    static AuditOutcome outcome(int status) {
        return status < 400 ? AuditOutcome.OK : status == 401 || status == 403 ? AuditOutcome.DENIED : AuditOutcome.FAILED;
    }

    /** The touched thing: the path's id (a conversation, an account, an intent), else the path. */
    private static String target(MultivaluedMap<String, String> params, String path) {
        for (String name : new String[] {"id", "username", "name"}) {
            String value = params.getFirst(name);
            if (value != null) {
                return value;
            }
        }
        return params.isEmpty() ? path : params.values().iterator().next().get(0);
    }
}
