package io.parley.agent;

import io.parley.audit.AuditAction;
import io.parley.audit.Audited;
import io.parley.failure.ParleyException;
import io.parley.offline.BusinessIntent;
import io.parley.offline.OfflineEngine;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The business's own intents for the offline engine (admins only): an answer per language and example
 * messages. Every instance retrains in the background within seconds of a change; {@code learnt} says
 * whether the model answering on this instance was trained on the intent as it is now, latest examples included.
 */
@Path("/api/intents")
@Tag(name = "Intents")
@RolesAllowed(Agent.ADMIN)
public class IntentResource {

    public record IntentView(String name, Map<String, String> answer, boolean handoff, List<String> examples, boolean learnt) {
    }

    public record Intents(Set<String> builtIn, List<IntentView> business) {
    }

    public record NewIntent(String name, Map<String, String> answer, boolean handoff, List<String> examples) {
    }

    public record NewExamples(List<String> examples) {
    }

    private final BusinessIntents intents;
    private final OfflineEngine engine;

    IntentResource(BusinessIntents intents, OfflineEngine engine) {
        this.intents = intents;
        this.engine = engine;
    }

    @GET
    @Operation(summary = "The built-in intents and the business's own, with their examples")
    public Intents list() {
        return new Intents(new TreeSet<>(engine.ruleIntents()), intents.list().stream().map(this::view).toList());
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One of the business's intents")
    public IntentView get(@PathParam("name") String name) {
        return view(intents.get(name));
    }

    @Audited(AuditAction.SETTINGS_CHANGE)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add an intent: name, answer {en, zh}, handoff, examples (about ten are enough)")
    public Response create(NewIntent body) {
        if (body == null || body.answer() == null) {
            throw ParleyException.badInput("Send {\"name\": ..., \"answer\": {\"en\": ..., \"zh\": ...}, \"examples\": [...]}.");
        }
        BusinessIntent created = intents.create(body.name(), body.answer().get("en"), body.answer().get("zh"),
                body.handoff(), body.examples());
        return Response.status(Response.Status.CREATED).entity(view(created)).build();
    }

    @Audited(AuditAction.SETTINGS_CHANGE)
    @POST
    @Path("/{name}/examples")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add example messages to an intent (duplicates are ignored)")
    public IntentView addExamples(@PathParam("name") String name, NewExamples body) {
        if (body == null || body.examples() == null || body.examples().isEmpty()) {
            throw ParleyException.badInput("Send {\"examples\": [\"...\", ...]}.");
        }
        return view(intents.addExamples(name, body.examples()));
    }

    @Audited(AuditAction.SETTINGS_CHANGE)
    @DELETE
    @Path("/{name}")
    @Operation(summary = "Remove an intent and its examples")
    public Response delete(@PathParam("name") String name) {
        intents.delete(name);
        return Response.noContent().build();
    }

    private IntentView view(BusinessIntent b) {
        return new IntentView(b.name(), b.answer(), b.handoff(), b.examples(), engine.learnt(b));
    }
}
