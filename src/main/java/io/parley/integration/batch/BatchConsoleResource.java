package io.parley.integration.batch;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/** Batch jobs in the console (admins): their progress bars and a cancel button. */
@Path("/api/batches")
@RolesAllowed("admin")
@Tag(name = "Console")
@Produces(MediaType.APPLICATION_JSON)
public class BatchConsoleResource {

    private final BatchService batches;

    BatchConsoleResource(BatchService batches) {
        this.batches = batches;
    }

    @GET
    @Operation(summary = "The latest batch jobs with their progress")
    public List<BatchService.Progress> list() {
        return batches.recent();
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel a batch job")
    public BatchService.Progress cancel(@PathParam("id") UUID id) {
        return batches.cancel(id);
    }
}
