package io.parley.integration.batch;

import io.parley.integration.keys.IntegrationKey;
import io.parley.integration.keys.IntegrationKeys;
import io.parley.integration.keys.Scope;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Batch jobs for a business's servers (scope batch): a JSONL body (or a JSON list) of
 * {@code {"id", "text", "locale"?}}; an estimate first, then the job, its progress, its results
 * as JSONL (downloadable while it runs) and cancellation.
 */
@Path("/integration/v1/batches")
@Tag(name = "Integration")
public class BatchApi {

    static final String NDJSON = "application/x-ndjson";
    private static final String AUTH = "Authorization";

    private final BatchService batches;
    private final IntegrationKeys keys;

    BatchApi(BatchService batches, IntegrationKeys keys) {
        this.batches = batches;
        this.keys = keys;
    }

    @POST
    @Path("/estimate")
    @Consumes({NDJSON, MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "What a batch would cost, before starting it")
    public BatchService.Estimate estimate(@HeaderParam(AUTH) String key, @QueryParam("mode") String mode, String body) {
        keys.authenticate(key, Scope.BATCH);
        return batches.estimate(mode, body);
    }

    @POST
    @Consumes({NDJSON, MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a batch job (mode classify or answer); it runs in the background")
    public Response submit(@HeaderParam(AUTH) String key, @QueryParam("mode") String mode, String body) {
        IntegrationKey k = keys.authenticate(key, Scope.BATCH);
        BatchService.Progress p = batches.submit(mode, body, k.id());
        return Response.status(201).header("Location", "/integration/v1/batches/" + p.id()).entity(p).build();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Progress: done, failed, cost so far, ETA")
    public BatchService.Progress progress(@HeaderParam(AUTH) String key, @PathParam("id") UUID id) {
        keys.authenticate(key, Scope.BATCH, Scope.READ);
        return batches.progress(id);
    }

    @POST
    @Path("/{id}/cancel")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel: no further item starts; finished results stay")
    public BatchService.Progress cancel(@HeaderParam(AUTH) String key, @PathParam("id") UUID id) {
        keys.authenticate(key, Scope.BATCH);
        return batches.cancel(id);
    }

    @GET
    @Path("/{id}/results")
    @Produces(NDJSON)
    @Operation(summary = "Results as JSON lines, in item order: what is finished so far")
    public Response results(@HeaderParam(AUTH) String key, @PathParam("id") UUID id) {
        keys.authenticate(key, Scope.BATCH, Scope.READ);
        batches.progress(id); // not_found before the body starts
        StreamingOutput body = out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            batches.results(id, line -> {
                try {
                    w.write(line);
                    w.write('\n');
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            w.flush();
        };
        return Response.ok(body, NDJSON).header("Content-Disposition", "attachment; filename=\"batch-" + id + ".jsonl\"").build();
    }
}
