package io.parley.compliance;

import io.parley.agent.Agent;
import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.parley.ops.ClientAddress;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Per-customer export and erasure. Admins name the customer by verified user id or by a conversation
 * token; a customer exports their own conversation with its token. Subjects travel in the body, never
 * in a URL (a token in a query string would end up in logs); audit entries name conversation ids, never
 * the token or erased content.
 */
@Path("/")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CustomerDataResource {

    public record Export(List<Map<String, Object>> conversations) {
    }

    public record Erasure(Map<String, Object> erased) {
    }

    private final CustomerData data;
    private final AuditTrail audit;
    private final ClientAddress clientAddress;
    private final SecurityIdentity identity;

    CustomerDataResource(CustomerData data, AuditTrail audit, ClientAddress clientAddress, SecurityIdentity identity) {
        this.data = data;
        this.audit = audit;
        this.clientAddress = clientAddress;
        this.identity = identity;
    }

    @POST
    @Path("/api/customers/export")
    @RolesAllowed(Agent.ADMIN)
    @Operation(summary = "Everything Parley holds about a customer ({\"userId\": ...} or {\"token\": ...}) as JSON")
    public Export export(CustomerData.Subject subject, @Context HttpServerRequest request) {
        List<UUID> ids = found(subject);
        Export export = new Export(data.export(ids, true));
        record(identity.getPrincipal().getName(), request, AuditAction.EXPORT, subject, ids, Map.of("conversations", ids.size()));
        return export;
    }

    @POST
    @Path("/api/customers/erase")
    @RolesAllowed(Agent.ADMIN)
    @Operation(summary = "Erase a customer's conversations: messages, entities, notes, model-call content; knowledge untouched")
    public Erasure erase(CustomerData.Subject subject, @Context HttpServerRequest request) {
        List<UUID> ids = found(subject);
        CustomerData.Counts counts = data.anonymise(ids);
        record(identity.getPrincipal().getName(), request, AuditAction.ERASURE, subject, ids, counts.asMap());
        return new Erasure(counts.asMap());
    }

    @POST
    @Path("/customer/export")
    @PermitAll
    @Operation(summary = "A customer's own conversation ({\"token\": ...}) as JSON: what they and the agents wrote")
    public Export own(CustomerData.Subject subject, @Context HttpServerRequest request) {
        if (subject == null || subject.token() == null) {
            throw ParleyException.badInput("Send {\"token\": \"...\"}, the token of your conversation.");
        }
        CustomerData.Subject own = new CustomerData.Subject(null, subject.token());
        List<UUID> ids = found(own);
        Export export = new Export(data.export(ids, false));
        record("customer", request, AuditAction.EXPORT, own, ids, Map.of("conversations", ids.size()));
        return export;
    }

    private List<UUID> found(CustomerData.Subject subject) {
        if (subject == null || !subject.valid()) {
            throw ParleyException.badInput("Name the customer with exactly one of \"userId\" (a verified user id) or \"token\".");
        }
        List<UUID> ids = data.conversations(subject);
        if (ids.isEmpty()) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "Parley holds no conversation for this customer.");
        }
        return ids;
    }

    private void record(String actor, HttpServerRequest request, AuditAction action, CustomerData.Subject subject, List<UUID> ids,
                        Map<String, Object> counts) {
        String target = subject.userId() != null ? "user:" + subject.userId() : "conversation:" + ids.get(0);
        audit.record(new AuditEntry(actor, clientAddress.of(request), action, target, AuditOutcome.OK,
                Map.of("counts", counts, "conversationIds", ids.stream().map(UUID::toString).toList())));
    }
}
