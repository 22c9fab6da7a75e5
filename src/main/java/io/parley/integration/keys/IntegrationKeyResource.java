package io.parley.integration.keys;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.parley.failure.ParleyException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Integration keys in the console (admins only): create (the key is in this one answer), list, revoke. */
@Path("/api/integration-keys")
@RolesAllowed("admin")
@Tag(name = "Console")
public class IntegrationKeyResource {

    private final IntegrationKeys keys;
    private final SecurityIdentity identity;
    private final AuditTrail audit;

    IntegrationKeyResource(IntegrationKeys keys, SecurityIdentity identity, AuditTrail audit) {
        this.keys = keys;
        this.identity = identity;
        this.audit = audit;
    }

    /**
     * @param scopes    {@code chat}, {@code batch}, {@code read}
     * @param expiresAt null: never
     * @param perMinute calls a minute (default 600)
     */
    public record NewKey(String name, List<String> scopes, OffsetDateTime expiresAt, Integer perMinute) {
    }

    /** The stored key and, this once, its secret. */
    public record CreatedKey(IntegrationKey key, String secret) {
    }

    @POST
    @Operation(summary = "Create an integration key; the secret is shown only in this answer")
    public Response create(NewKey request) {
        if (request == null || request.name() == null || request.name().isBlank() || request.name().length() > 100) {
            throw ParleyException.badInput("\"name\" is required (at most 100 characters).");
        }
        if (request.scopes() == null || request.scopes().isEmpty()) {
            throw ParleyException.badInput("\"scopes\" must list at least one of chat, batch, read.");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : request.scopes()) {
            Scope scope = Scope.of(s);
            if (scope == null) {
                throw ParleyException.badInput("Unknown scope \"" + s + "\": use chat, batch or read.");
            }
            scopes.add(scope);
        }
        if (request.expiresAt() != null && request.expiresAt().isBefore(OffsetDateTime.now())) {
            throw ParleyException.badInput("\"expiresAt\" is in the past.");
        }
        int perMinute = request.perMinute() == null ? 600 : request.perMinute();
        if (perMinute < 1 || perMinute > 100_000) {
            throw ParleyException.badInput("\"perMinute\" must be from 1 to 100000.");
        }
        IntegrationKeys.Created created = keys.create(request.name().strip(), scopes, request.expiresAt(), perMinute,
                identity.getPrincipal().getName());
        audit.record(new AuditEntry(identity.getPrincipal().getName(), null, AuditAction.KEY_CHANGE, "key:" + created.key().id(), AuditOutcome.OK,
                java.util.Map.of("change", "created", "name", created.key().name(), "scopes", List.copyOf(scopes.stream().map(Scope::wire).toList()))));
        return Response.status(201).header("Cache-Control", "no-store").entity(new CreatedKey(created.key(), created.secret())).build();
    }

    @GET
    @Operation(summary = "Integration keys (never their secrets)")
    public List<IntegrationKey> list() {
        return keys.list();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an integration key at once")
    public Response revoke(@PathParam("id") long id) {
        if (!keys.revoke(id)) {
            throw new ParleyException(io.parley.failure.ErrorCode.NOT_FOUND, "No integration key " + id + ".");
        }
        audit.record(new AuditEntry(identity.getPrincipal().getName(), null, AuditAction.KEY_CHANGE, "key:" + id, AuditOutcome.OK,
                java.util.Map.of("change", "revoked")));
        return Response.noContent().build();
    }
}
