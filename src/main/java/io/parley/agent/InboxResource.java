package io.parley.agent;

import io.parley.audit.AuditAction;
import io.parley.audit.Audited;
import io.parley.failure.ParleyException;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** The agents' inbox and its CSV export, under one filter. */
@Path("/api/inbox")
@Tag(name = "Inbox")
@RolesAllowed({Agent.AGENT, Agent.ADMIN})
public class InboxResource {

    private final Inbox inbox;
    private final AgentAccounts accounts;
    private final SecurityIdentity identity;

    InboxResource(Inbox inbox, AgentAccounts accounts, SecurityIdentity identity) {
        this.inbox = inbox;
        this.accounts = accounts;
        this.identity = identity;
    }

    @Audited(AuditAction.SEARCH)
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Conversations, newest activity first, with counts per status",
            description = "agent: a username, 'me' or 'none'. from/to: days (yyyy-mm-dd, UTC) of last activity. "
                    + "q: text some message contains (any language).")
    public Inbox.Page list(@QueryParam("status") String status, @QueryParam("intent") String intent,
                           @QueryParam("from") String from, @QueryParam("to") String to,
                           @QueryParam("agent") String agent, @QueryParam("q") String q,
                           @QueryParam("page") @DefaultValue("0") String page, @QueryParam("size") @DefaultValue("25") String size) {
        int p = number(page);
        int n = number(size);
        if (p < 0 || n < 1 || n > 200) {
            throw ParleyException.badInput("page >= 0 and size from 1 to 200.");
        }
        return inbox.page(filter(status, intent, from, to, agent, q), p, n);
    }

    @Audited(AuditAction.EXPORT)
    @GET
    @Path("/export.csv")
    @Produces("text/csv")
    @Operation(summary = "Every conversation under the filter as CSV, one row each (streamed)")
    public Response export(@QueryParam("status") String status, @QueryParam("intent") String intent,
                           @QueryParam("from") String from, @QueryParam("to") String to,
                           @QueryParam("agent") String agent, @QueryParam("q") String q) {
        InboxFilter filter = filter(status, intent, from, to, agent, q);
        StreamingOutput body = out -> inbox.exportCsv(filter, out);
        return Response.ok(body).header("Content-Disposition", "attachment; filename=\"conversations.csv\"").build();
    }

    private InboxFilter filter(String status, String intent, String from, String to, String agent, String q) {
        Long agentId = null;
        if ("none".equals(agent)) {
            agentId = InboxFilter.UNASSIGNED;
        } else if ("me".equals(agent)) {
            agentId = accounts.current(identity).id;
        } else if (agent != null && !agent.isBlank()) {
            agentId = accounts.byUsername(agent).map(a -> a.id)
                    .orElseThrow(() -> ParleyException.badInput("No agent is named \"" + agent + "\"."));
        }
        return new InboxFilter(blankToNull(status), blankToNull(intent), day(from, "from"), day(to, "to"), agentId, blankToNull(q));
    }

    private static int number(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw ParleyException.badInput("page and size are whole numbers, not \"" + value + "\".");
        }
    }

    private static LocalDate day(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ParleyException.badInput("\"" + name + "\" must be a day such as 2026-11-29.");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
