package io.parley.agent;

import io.parley.audit.AuditAction;
import io.parley.audit.Audited;
import io.parley.failure.ParleyException;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Accounts. Sign in with a form post to {@code /j_security_check} (j_username, j_password): the
 * answer sets the session cookie. Admins create agents.
 */
@Path("/api/agents")
@Tag(name = "Agents")
@RolesAllowed({Agent.AGENT, Agent.ADMIN})
public class AgentResource {

    public record AgentView(String username, String displayName, String role, OffsetDateTime lastSeenAt, boolean disabled) {
        static AgentView of(Agent a) {
            return new AgentView(a.username, a.displayName, a.role, a.lastSeenAt, a.disabledAt != null);
        }
    }

    public record NewAgent(String username, String password, String displayName, String role) {
    }

    public record PasswordChange(String current, String replacement) {
    }

    public record NameChange(String displayName) {
    }

    public record AccountStatus(Boolean disabled) {
    }

    private final AgentAccounts accounts;
    private final SecurityIdentity identity;
    private final Sessions sessions;
    private final SessionGuard guard;
    private final AgentHub consoles;
    /** The HTTP exchange, for the session cookies (kept out of the method signatures the OpenAPI document shows). */
    private final CurrentVertxRequest exchange;

    AgentResource(AgentAccounts accounts, SecurityIdentity identity, Sessions sessions, SessionGuard guard, AgentHub consoles,
                  CurrentVertxRequest exchange) {
        this.exchange = exchange;
        this.accounts = accounts;
        this.identity = identity;
        this.sessions = sessions;
        this.guard = guard;
        this.consoles = consoles;
    }

    @GET
    @Path("/me")
    @Operation(summary = "The signed-in agent")
    public AgentView me() {
        return AgentView.of(accounts.current(identity));
    }

    @Audited(AuditAction.ACCOUNT_CHANGE)
    @PUT
    @Path("/me/password")
    @Operation(summary = "Change the signed-in agent's password: ends the agent's other sessions, this one goes on")
    public Response changePassword(PasswordChange change) {
        if (change == null) {
            throw ParleyException.badInput("Send {\"current\": ..., \"replacement\": ...}.");
        }
        String username = identity.getPrincipal().getName();
        accounts.changePassword(username, change.current(), change.replacement());
        long ended = sessions.endAll(username);
        guard.renew(exchange.getCurrent(), username, ended);
        consoles.checkSessions();
        return Response.noContent().build();
    }

    @PUT
    @Path("/me/name")
    @Operation(summary = "Change the signed-in agent's display name: the name customers see when the agent joins and replies")
    @Audited(AuditAction.ACCOUNT_CHANGE)
    public AgentView rename(NameChange change) {
        if (change == null) {
            throw ParleyException.badInput("Send {\"displayName\": ...}.");
        }
        return AgentView.of(accounts.rename(identity.getPrincipal().getName(), change.displayName()));
    }

    @Audited(AuditAction.SIGN_OUT)
    @POST
    @Path("/sign-out")
    @Operation(summary = "Sign out: ends every session of the signed-in agent, on every instance, and clears the cookies")
    public Response signOut() {
        sessions.endAll(identity.getPrincipal().getName());
        SessionGuard.clear(exchange.getCurrent());
        consoles.checkSessions();
        return Response.noContent().build();
    }

    @Audited(AuditAction.ACCOUNT_CHANGE)
    @PUT
    @Path("/{username}/status")
    @RolesAllowed(Agent.ADMIN)
    @Operation(summary = "Disable (true) or enable (false) an account (admins only): a disabled account's sessions end and it cannot sign in")
    public AgentView disable(@PathParam("username") String username, AccountStatus status) {
        if (status == null || status.disabled() == null) {
            throw ParleyException.badInput("Send {\"disabled\": true} or {\"disabled\": false}.");
        }
        Agent a = accounts.setDisabled(username, status.disabled(), identity.getPrincipal().getName());
        if (status.disabled()) {
            sessions.endAll(username);
            consoles.checkSessions();
        }
        return AgentView.of(a);
    }

    @GET
    @RolesAllowed(Agent.ADMIN)
    @Operation(summary = "Every account (admins only)")
    public List<AgentView> list() {
        return accounts.list().stream().map(AgentView::of).toList();
    }

    @Audited(AuditAction.ACCOUNT_CHANGE)
    @POST
    @RolesAllowed(Agent.ADMIN)
    @Operation(summary = "Create an agent or admin account (admins only)")
    public Response create(NewAgent request) {
        if (request == null) {
            throw ParleyException.badInput("Send {\"username\", \"password\", \"displayName\", \"role\"}.");
        }
        Agent a = accounts.create(request.username(), request.password(), request.displayName(),
                request.role() == null ? Agent.AGENT : request.role());
        return Response.status(201).entity(AgentView.of(a)).build();
    }
}
