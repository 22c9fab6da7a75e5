package io.parley.agent;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The supervisors' dashboard (console page {@code /console/dashboard.html}). Supervisors are admins:
 * Parley has two roles, and these figures (cost, error rates, every agent's hand-offs and ratings) are
 * the operators' view, like the Agents and Intents pages; an agent gets 403.
 */
@Path("/api/dashboard")
@Tag(name = "Dashboard")
@RolesAllowed(Agent.ADMIN)
public class DashboardResource {

    private final Dashboard dashboard;

    DashboardResource(Dashboard dashboard) {
        this.dashboard = dashboard;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Turns, answer latency, model error rate, cost, hand-offs and CSAT per time bucket over the last hour "
            + "(60 × 1 min), day (96 × 15 min) or week (84 × 2 h), the window's totals, the guide's thresholds, and this instance's concurrency now")
    public Dashboard.View dashboard(@QueryParam("range") @DefaultValue("hour") String range) {
        return dashboard.view(Dashboard.Range.parse(range));
    }
}
