package io.parley.attachment;

import io.parley.agent.Agent;
import io.parley.conversation.Conversation;
import io.parley.conversation.Conversations;
import io.parley.conversation.Message;
import io.parley.limits.Limits;
import io.parley.ops.Problems;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Images into and out of a conversation. The customer proves the conversation with its token in the
 * {@code X-Parley-Token} header (never in the URL, where logs and histories keep it); agents with the
 * console's sign-in. Anyone else gets 404, whether the image exists or not. The agent's upload is
 * {@link AgentAttachmentResource} (under the conversation's path, which another resource owns).
 */
@Path("/")
public class AttachmentResource {

    static final String TOKEN = "X-Parley-Token";

    private final Attachments attachments;
    private final Conversations conversations;
    private final AttachmentConfig config;
    private final Limits limits;

    AttachmentResource(Attachments attachments, Conversations conversations, AttachmentConfig config, Limits limits) {
        this.limits = limits;
        this.attachments = attachments;
        this.conversations = conversations;
        this.config = config;
    }

    @POST
    @Path("/attachments")
    @PermitAll
    public Response customerUpload(@HeaderParam(TOKEN) String token, @HeaderParam("Content-Length") Long length, InputStream body)
            throws IOException {
        Optional<Conversation> c = conversation(token);
        if (c.isEmpty()) {
            return Problems.problem(404, "Not found", "No conversation for this token: the chat sends a start frame first (see docs/protocol.md).");
        }
        limits.message(c.get().id); // an image counts as one of the conversation's messages a minute (429 beyond)
        return upload(config.maxBytes(), length, body, (type, bytes) -> attachments.fromCustomer(c.get(), type, bytes));
    }

    @GET
    @Path("/attachments/{id}")
    @PermitAll
    public Response customerDownload(@PathParam("id") UUID id, @HeaderParam(TOKEN) String token) {
        Optional<Conversation> c = conversation(token);
        return attachments.find(id).filter(a -> c.isPresent() && a.conversationId().equals(c.get().id))
                .map(AttachmentResource::serve).orElseGet(AttachmentResource::notFound);
    }

    @GET
    @Path("/api/attachments/{id}")
    @RolesAllowed({Agent.AGENT, Agent.ADMIN})
    public Response agentDownload(@PathParam("id") UUID id) {
        return attachments.find(id).map(AttachmentResource::serve).orElseGet(AttachmentResource::notFound);
    }

    interface Store {
        Message store(ImageType type, byte[] bytes);
    }

    /** Reads at most the limit and one byte, sniffs the type and stores: 413, 415 or 201 with the attachment. */
    static Response upload(int max, Long length, InputStream body, Store store) throws IOException {
        if (length != null && length > max) {
            return tooLarge(max);
        }
        byte[] bytes = body.readNBytes(max + 1); // never more than the limit and one byte, whatever the client claimed
        if (bytes.length > max) {
            return tooLarge(max);
        }
        Optional<ImageType> type = ImageType.sniff(bytes);
        if (type.isEmpty()) {
            return Problems.problem(415, "Unsupported Media Type", "Send a JPEG, PNG, WebP or GIF image.");
        }
        Message m = store.store(type.get(), bytes);
        return Response.status(201).entity(Map.of("attachment", m.attachment.toString(), "contentType", type.get().mediaType,
                "size", bytes.length, "seq", m.seq)).build();
    }

    private Optional<Conversation> conversation(String token) {
        return token == null || token.isBlank() ? Optional.empty() : conversations.findByToken(token);
    }

    private static Response serve(Attachments.Stored a) {
        return Response.ok(a.bytes()).type(a.type().mediaType)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Disposition", "inline; filename=\"image-" + a.id() + "." + a.type().extension + "\"")
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .header("Cache-Control", "private, max-age=3600").build();
    }

    private static Response notFound() {
        return Problems.problem(404, "Not found", "No such image.");
    }

    private static Response tooLarge(int max) {
        // the connection is closed after it: a client still sending a chunked body is cut off
        return Response.fromResponse(Problems.problem(413, "Content Too Large", tooLargeDetail(max))).header("Connection", "close").build();
    }

    static String tooLargeDetail(int max) {
        return "Images may be at most " + max + " bytes.";
    }
}
