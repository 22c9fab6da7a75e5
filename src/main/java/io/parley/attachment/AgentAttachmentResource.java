package io.parley.attachment;

import io.parley.agent.Agent;
import io.parley.agent.AgentAccounts;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;

/**
 * An agent's image into a conversation they have taken over. Its own class: a path under
 * {@code /api/conversations/{id}} reaches only resources whose class path is at least that long.
 */
@Path("/api/conversations/{id}/attachments")
@RolesAllowed({Agent.AGENT, Agent.ADMIN})
public class AgentAttachmentResource {

    private final Attachments attachments;
    private final AttachmentConfig config;
    private final AgentAccounts accounts;
    private final SecurityIdentity identity;

    AgentAttachmentResource(Attachments attachments, AttachmentConfig config, AgentAccounts accounts, SecurityIdentity identity) {
        this.attachments = attachments;
        this.config = config;
        this.accounts = accounts;
        this.identity = identity;
    }

    @POST
    public Response upload(@PathParam("id") UUID id, @HeaderParam("Content-Length") Long length, InputStream body) throws IOException {
        Agent me = accounts.current(identity);
        return AttachmentResource.upload(config.maxBytes(), length, body,
                (type, bytes) -> attachments.fromAgent(id, me.id, me.displayName, type, bytes));
    }
}
