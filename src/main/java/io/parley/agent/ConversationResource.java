package io.parley.agent;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditDetails;
import io.parley.audit.Audited;
import io.parley.failure.ParleyException;

import io.parley.lifecycle.Handoff;

import io.parley.chat.FrameInput;
import io.parley.chat.ChatConfig;
import io.parley.lifecycle.Lifecycle;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One conversation for agents: transcript, take-over, replies, hand-back, resolution, notes, tags, exports. */
@Path("/api/conversations/{id}")
@Tag(name = "Conversations")
@RolesAllowed({Agent.AGENT, Agent.ADMIN})
public class ConversationResource {

    public record Reply(String id, String text) {
    }

    public record NewNote(String text) {
    }

    /** What an action left: the conversation's status and the system message it stored, if any. */
    public record Outcome(String status, Long seq) {
        static Outcome of(Lifecycle.Change change) {
            return new Outcome(change.conversation().status.wire(), change.notice() == null ? null : change.notice().seq);
        }
    }

    private final Transcripts transcripts;
    private final Handoff handoff;
    private final AgentAccounts accounts;
    private final SecurityIdentity identity;

    private final ChatConfig chat;
    private final AnswerTraces traces;
    private final AnswerCorrections corrections;
    private final AuditDetails auditDetails;
    private final CustomerPanel customers;


    ConversationResource(Transcripts transcripts, Handoff handoff, AgentAccounts accounts, SecurityIdentity identity, ChatConfig chat,
                         AnswerTraces traces, AnswerCorrections corrections, AuditDetails auditDetails,
                         CustomerPanel customers) {
        this.auditDetails = auditDetails;
        this.chat = chat;
        this.traces = traces;
        this.corrections = corrections;
        this.customers = customers;
        this.transcripts = transcripts;
        this.handoff = handoff;
        this.accounts = accounts;
        this.identity = identity;
    }

    @Audited(AuditAction.TRANSCRIPT_VIEW)
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The transcript: every message (answers with intent, entities, source, model, tokens, timings), notes, tags, rating, history")
    public Transcript transcript(@PathParam("id") UUID id) {
        Transcript t = transcripts.get(id, true);
        audited(Map.of("personalData", t.personalData()));
        return t;
    }

    @GET
    @Path("/messages/{seq}/trace")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Agent.ADMIN)
    @Operation(summary = "Why the bot said this: the answer's model calls (provider, model, the provider's request id, "
            + "prompt template version, outcome, timings) and the knowledge passages and action calls it used")
    public AnswerTraces.Trace trace(@PathParam("id") UUID id, @PathParam("seq") long seq) {
        return traces.of(id, seq);
    }

    @PUT
    @Path("/messages/{seq}/correction")
    @Operation(summary = "Correct an answer: the intent it should have had and, optionally, what it should have said "
            + "(for the bias report and the fine-tuning export; never shown to the customer)")
    public Response correct(@PathParam("id") UUID id, @PathParam("seq") long seq, AnswerCorrections.Correction correction) {
        corrections.correct(id, seq, correction, me().displayName);
        return Response.noContent().build();
    }

    @GET
    @Path("/customer")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The customer panel: site, verified identity, language, first seen, their other conversations")
    public CustomerPanel.Customer customer(@PathParam("id") UUID id) {
        return customers.of(id);
    }

    @Audited(AuditAction.TAKE_OVER)
    @POST
    @Path("/take")
    @Operation(summary = "Take the conversation over: the bot stops answering, the customer is told a person joined")
    public Outcome take(@PathParam("id") UUID id) {
        return Outcome.of(handoff.takeOver(id, me().id, me().displayName));
    }

    @POST
    @Path("/hand-back")
    @Operation(summary = "Hand the conversation back to the bot")
    public Outcome handBack(@PathParam("id") UUID id) {
        Agent me = me();
        return Outcome.of(handoff.handBack(id, me.id, me.isAdmin(), me.displayName));
    }

    @Audited(AuditAction.RESOLVE)
    @POST
    @Path("/resolve")
    @Operation(summary = "Resolve the conversation; the customer may then rate it")
    public Outcome resolve(@PathParam("id") UUID id) {
        Agent me = me();
        return Outcome.of(handoff.resolve(id, me.id, me.isAdmin(), me.displayName));
    }

    @Audited(AuditAction.REPLY)
    @POST
    @Path("/messages")
    @Operation(summary = "Reply to the customer (the conversation must be taken over by you); the id makes a resend harmless")
    public Response reply(@PathParam("id") UUID id, Reply reply) {
        if (reply == null || reply.text() == null || reply.text().isBlank() || reply.text().length() > chat.maxTextChars()) {
            throw ParleyException.badInput("\"text\" is 1 to " + chat.maxTextChars() + " characters.");
        }
        if (!FrameInput.storable(reply.text())) {
            throw ParleyException.badInput(FrameInput.STORABLE_RULE);
        }
        String msgId = reply.id() == null ? UUID.randomUUID().toString() : reply.id();
        if (!FrameInput.MESSAGE_ID.matcher(msgId).matches()) {
            throw ParleyException.badInput(FrameInput.MESSAGE_ID_RULE);
        }
        Agent me = me();
        Lifecycle.Change change = handoff.reply(id, me.id, me.displayName, msgId, reply.text().strip());
        return Response.status(change.notice() == null ? 200 : 201).entity(Outcome.of(change)).build();
    }

    @Audited(AuditAction.NOTE)
    @POST
    @Path("/notes")
    @Operation(summary = "Add an internal note (never shown to the customer)")
    public Response note(@PathParam("id") UUID id, NewNote note) {
        return Response.status(201).entity(transcripts.addNote(id, me(), note == null ? null : note.text())).build();
    }

    @Audited(AuditAction.TAG)
    @PUT
    @Path("/tags")
    @Operation(summary = "Replace the conversation's tags")
    public List<String> tags(@PathParam("id") UUID id, List<String> tags) {
        return transcripts.setTags(id, tags);
    }

    @Audited(AuditAction.EXPORT)
    @GET
    @Path("/export.json")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Export as JSON (the transcript); personal details masked unless personalData=clear, said in the export")
    public Response exportJson(@PathParam("id") UUID id, @QueryParam("personalData") @DefaultValue("masked") String personalData) {
        return download(exported(id, personalData, "json"), id, "json");
    }

    @Audited(AuditAction.EXPORT)
    @GET
    @Path("/export.csv")
    @Produces("text/csv")
    @Operation(summary = "Export as CSV, one row per message; personal details masked unless personalData=clear (column personal_data)")
    public Response exportCsv(@PathParam("id") UUID id, @QueryParam("personalData") @DefaultValue("masked") String personalData) {
        return download(TranscriptExport.csv(exported(id, personalData, "csv")), id, "csv");
    }

    @Audited(AuditAction.EXPORT)
    @GET
    @Path("/export.html")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Export as a printable HTML page; personal details masked unless personalData=clear, said on the page")
    public Response exportHtml(@PathParam("id") UUID id, @QueryParam("personalData") @DefaultValue("masked") String personalData) {
        return Response.ok(TranscriptExport.html(exported(id, personalData, "html")))
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'").build();
    }

    /** The transcript for an export, recorded in the audit trail with whether it holds personal details in clear. */
    private Transcript exported(UUID id, String personalData, String format) {
        Transcript t = transcripts.get(id, clear(personalData));
        audited(Map.of("personalData", t.personalData(), "format", format));
        return t;
    }

    /** What the call's audit entry (written by the API's audit filter) adds about this view or export. */
    private void audited(Map<String, ?> details) {
        details.forEach(auditDetails::put);
    }

    /** Exports mask personal details unless asked for them in clear; the export says which it holds. */
    private static boolean clear(String personalData) {
        return switch (personalData) {
            case Transcript.PERSONAL_DATA_CLEAR -> true;
            case Transcript.PERSONAL_DATA_MASKED -> false;
            default -> throw ParleyException.badInput("\"personalData\" is clear or masked.");
        };
    }

    private static Response download(Object body, UUID id, String extension) {
        return Response.ok(body).header("Content-Disposition", "attachment; filename=\"conversation-" + id + "." + extension + "\"").build();
    }

    private Agent me() {
        return accounts.current(identity);
    }
}
