package io.parley.agent;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The AI disclosure: a public page (linked from the widget) and its text, edited by admins. */
@Path("/")
@Tag(name = "Model transparency")
public class DisclosureResource {

    public record Edit(String text) {
    }

    private final Disclosure disclosure;
    private final AgentAccounts accounts;
    private final SecurityIdentity identity;

    DisclosureResource(Disclosure disclosure, AgentAccounts accounts, SecurityIdentity identity) {
        this.disclosure = disclosure;
        this.accounts = accounts;
        this.identity = identity;
    }

    @GET
    @Path("ai-disclosure")
    @Produces(MediaType.TEXT_HTML)
    @PermitAll
    @Operation(summary = "The public page: which providers and models answer, what they publish about training data, what Parley stores")
    public Response page() {
        return Response.ok(Disclosure.html(disclosure.view()))
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                .header("Cache-Control", "max-age=60").build();
    }

    @GET
    @Path("api/disclosure")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Agent.ADMIN)
    @Operation(summary = "The disclosure page's content: the models in use and the admins' text")
    public Disclosure.View get() {
        return disclosure.view();
    }

    @PUT
    @Path("api/disclosure")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Agent.ADMIN)
    @Operation(summary = "Replace the disclosure page's text (plain text; a blank line starts a paragraph)")
    public Disclosure.View put(Edit edit) {
        return disclosure.update(edit == null ? null : edit.text(), accounts.current(identity).displayName);
    }
}
