package io.parley.compliance;

import io.parley.agent.Agent;
import io.parley.audit.AuditAction;
import io.parley.audit.AuditTrail;
import io.parley.failure.ParleyException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** The audit trail for admins: filter it, export it as JSONL, verify its hash chain. */
@Path("/api/audit")
@RolesAllowed(Agent.ADMIN)
public class AuditResource {

    public record Verification(long checked, boolean intact, Long firstBroken) {
    }

    private final AuditLog log;
    private final AuditTrail trail;
    private final Anomalies anomalies;

    AuditResource(AuditLog log, AuditTrail trail, Anomalies anomalies) {
        this.log = log;
        this.trail = trail;
        this.anomalies = anomalies;
    }

    @GET
    @Path("/anomalies")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Anomalies the scheduled rules found, newest first")
    public List<Map<String, Object>> anomalies(@QueryParam("limit") Integer limit) {
        return anomalies.recent(limit == null ? 100 : limit);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Audit entries, newest first, filtered by actor, action and time (ISO-8601); page with before=<id>")
    public List<AuditLog.Entry> list(@QueryParam("actor") String actor, @QueryParam("action") String action,
                                     @QueryParam("from") String from, @QueryParam("to") String to,
                                     @QueryParam("before") Long before, @QueryParam("limit") Integer limit) {
        return log.page(filter(actor, action, from, to, before), limit == null ? 100 : limit);
    }

    @GET
    @Path("/export.jsonl")
    @Produces("application/jsonl")
    @Operation(summary = "Every matching audit entry, oldest first, one JSON object a line")
    public Response export(@QueryParam("actor") String actor, @QueryParam("action") String action,
                           @QueryParam("from") String from, @QueryParam("to") String to) {
        AuditLog.Filter filter = filter(actor, action, from, to, null);
        StreamingOutput body = out -> log.jsonl(filter, out);
        return Response.ok(body, "application/jsonl").header("Content-Disposition", "attachment; filename=\"parley-audit.jsonl\"").build();
    }

    @GET
    @Path("/verify")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Recompute the hash chain from the oldest kept entry; firstBroken names the first entry that does not fit")
    public Verification verify() {
        AuditTrail.Verification v = trail.verify();
        return new Verification(v.checked(), v.intact(), v.firstBroken().orElse(null));
    }

    private static AuditLog.Filter filter(String actor, String action, String from, String to, Long before) {
        AuditAction a;
        try {
            a = AuditLog.action(action);
        } catch (IllegalArgumentException e) {
            throw ParleyException.badInput("\"action\" is not an audit action: " + action);
        }
        return new AuditLog.Filter(actor, a, instant("from", from), instant("to", to), before);
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            if (value.length() == 10) { // a date: from its start, or to its end
                Instant start = Instant.parse(value + "T00:00:00Z");
                return name.equals("to") ? start.plus(Duration.ofDays(1)) : start;
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ParleyException.badInput("\"" + name + "\" is a date (2026-11-30) or an instant (2026-11-30T08:00:00Z).");
        }
    }
}
