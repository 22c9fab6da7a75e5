package io.parley.agent;

import io.parley.failure.ParleyException;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
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

    public record AgentView(String username, String displayName, String role, OffsetDateTime lastSeenAt) {
        static AgentView of(Agent a) {
            return new AgentView(a.username, a.displayName, a.role, a.lastSeenAt);
        }
    }

    public record NewAgent(String username, String password, String displayName, String role) {
    }

    public record PasswordChange(String current, String replacement) {
    }

    private final AgentAccounts accounts;
    private final SecurityIdentity identity;

    AgentResource(AgentAccounts accounts, SecurityIdentity identity) {
        this.accounts = accounts;
        this.identity = identity;
    }

    @GET
    @Path("/me")
    @Operation(summary = "The signed-in agent")
    public AgentView me() {
        return AgentView.of(accounts.current(identity));
    }

    @PUT
    @Path("/me/password")
    @Operation(summary = "Change the signed-in agent's password")
    public Response changePassword(PasswordChange change) {
        if (change == null) {
            throw ParleyException.badInput("Send {\"current\": ..., \"replacement\": ...}.");
        }
        accounts.changePassword(identity.getPrincipal().getName(), change.current(), change.replacement());
        return Response.noContent().build();
    }

    @POST
    @Path("/sign-out")
    @Operation(summary = "Sign out: clears the session cookie")
    public Response signOut() {
        FormAuthenticationMechanism.logout(identity);
        return Response.noContent().build();
    }

    @GET
    @RolesAllowed(Agent.ADMIN)
    @Operation(summary = "Every account (admins only)")
    public List<AgentView> list() {
        return accounts.list().stream().map(AgentView::of).toList();
    }

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
