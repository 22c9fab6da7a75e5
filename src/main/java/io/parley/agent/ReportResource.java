package io.parley.agent;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.parley.failure.ParleyException;
import io.parley.ops.ClientAddress;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Admins' reports: the bias report and the fine-tuning dataset export. */
@Path("/api/reports")
@Tag(name = "Model transparency")
@RolesAllowed(Agent.ADMIN)
public class ReportResource {

    private final BiasReport bias;
    private final FineTuningExport fineTuning;
    private final AuditTrail audit;
    private final AgentAccounts accounts;
    private final SecurityIdentity identity;
    private final ClientAddress address;

    @Context
    HttpServerRequest request;

    ReportResource(BiasReport bias, FineTuningExport fineTuning, AuditTrail audit, AgentAccounts accounts, SecurityIdentity identity,
                   ClientAddress address) {
        this.bias = bias;
        this.fineTuning = fineTuning;
        this.audit = audit;
        this.accounts = accounts;
        this.identity = identity;
        this.address = address;
    }

    @GET
    @Path("/bias")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    @Operation(summary = "Answer quality (intent agreement with agents' corrections, hand-off rate, CSAT, median answer time, fallback rate) "
            + "by language, channel or site over [from, to), differences over the margin highlighted; format=csv to download")
    public Response bias(@QueryParam("by") @DefaultValue("language") String by, @QueryParam("from") String from,
                         @QueryParam("to") String to, @QueryParam("margin") Double margin, @QueryParam("minSample") Integer minSample,
                         @QueryParam("format") @DefaultValue("json") String format) {
        BiasReport.Report report = bias.report(day(from, LocalDate.now(ZoneOffset.UTC).minusDays(30)),
                day(to, LocalDate.now(ZoneOffset.UTC).plusDays(1)), by, margin, minSample);
        if (format.equals("csv")) {
            return Response.ok(BiasReport.csv(report), "text/csv")
                    .header("Content-Disposition", "attachment; filename=\"bias-report-" + report.by() + ".csv\"").build();
        }
        return Response.ok(report, MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/fine-tuning.jsonl")
    @Produces("application/x-ndjson")
    @Operation(summary = "Fine-tuning dataset from resolved conversations, masked, streamed as JSONL: format=messages (chat) or "
            + "prompt-completion; filters from, to, intent (repeatable), minRating, corrected=true (only answers an agent corrected or wrote); "
            + "a hyperparameters line first, a summary line (included, excluded and why) last")
    public Response fineTuning(@QueryParam("format") @DefaultValue("messages") String format, @QueryParam("from") String from,
                               @QueryParam("to") String to, @QueryParam("intent") List<String> intents,
                               @QueryParam("minRating") Integer minRating, @QueryParam("corrected") @DefaultValue("false") boolean corrected) {
        if (minRating != null && (minRating < 1 || minRating > 5)) {
            throw ParleyException.badInput("\"minRating\" is 1 to 5."); // before the stream starts: a clear 400
        }
        FineTuningExport.Request request = new FineTuningExport.Request(FineTuningExport.Format.parse(format),
                day(from, LocalDate.now(ZoneOffset.UTC).minusDays(90)), day(to, LocalDate.now(ZoneOffset.UTC).plusDays(1)),
                intents == null ? List.of() : intents, minRating, corrected);
        audit.record(new AuditEntry(accounts.current(identity).username, address.of(this.request), AuditAction.EXPORT, "fine-tuning",
                AuditOutcome.OK, Map.of("personalData", "masked", "format", format, "correctedOnly", corrected)));
        StreamingOutput body = out -> fineTuning.write(request, out);
        return Response.ok(body).header("Content-Disposition", "attachment; filename=\"fine-tuning-" + format + ".jsonl\"").build();
    }

    private static OffsetDateTime day(String value, LocalDate otherwise) {
        try {
            return (value == null || value.isBlank() ? otherwise : LocalDate.parse(value)).atStartOfDay().atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw ParleyException.badInput("Dates are YYYY-MM-DD.");
        }
    }
}
