package io.parley.access;

import io.parley.agent.Agent;
import io.parley.ops.ClientAddress;
import io.parley.ops.Problems;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Arrays;

/**
 * Applies the {@link AllowList}: the console and the API before anything else runs (no sign-in, no
 * session is even read from a refused address), the agent socket at its upgrade, admin-only calls
 * once the called method is known. A refusal is a 403 problem and an audit entry; customer paths are
 * never looked at.
 */
@ApplicationScoped
public class AccessGate implements HttpUpgradeCheck {

    static final String DETAIL = "Parley does not accept this request from your network address.";

    private final AllowList allowList;
    private final ClientAddress clientAddress;
    private final Refusals refusals;

    AccessGate(AllowList allowList, ClientAddress clientAddress, Refusals refusals) {
        this.allowList = allowList;
        this.clientAddress = clientAddress;
        this.refusals = refusals;
    }

    void filters(@Observes Filters filters) {
        filters.register(rc -> {
            Area area = Area.ofPath(rc.normalizedPath());
            String client = area == null ? null : clientAddress.of(rc.request());
            if (area == null || allowList.allows(area, client)) {
                rc.next();
                return;
            }
            HttpServerRequest request = rc.request();
            refusals.record(area, client, null, request.method().name() + " " + rc.normalizedPath())
                    .subscribe().with(done -> Problems.send(rc.response(), 403, "Forbidden", DETAIL),
                            failure -> Problems.send(rc.response(), 403, "Forbidden", DETAIL));
        }, 260); // before the console gate (250) and authentication (200)
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (!context.httpRequest().path().startsWith("/ws/agent")) {
            return CheckResult.permitUpgrade();
        }
        String client = clientAddress.of(context.httpRequest());
        if (allowList.allows(Area.AGENT_SOCKET, client)) {
            return CheckResult.permitUpgrade();
        }
        return context.securityIdentity()
                .onItemOrFailure().transformToUni((identity, failure) -> refusals.record(Area.AGENT_SOCKET, client,
                        identity == null || identity.isAnonymous() ? null : identity.getPrincipal().getName(), "upgrade /ws/agent"))
                .onItemOrFailure().transformToUni((done, failure) -> CheckResult.rejectUpgrade(403));
    }

    /** Calls only admins may make, once REST has matched the method (its {@code @RolesAllowed} says so). */
    @ServerRequestFilter
    public Uni<Response> adminOnly(ContainerRequestContext context, ResourceInfo resource, HttpServerRequest request) {
        if (!adminOnly(resource)) {
            return Uni.createFrom().nullItem();
        }
        String client = clientAddress.of(request);
        if (allowList.allows(Area.ADMIN, client)) {
            return Uni.createFrom().nullItem();
        }
        Principal principal = context.getSecurityContext().getUserPrincipal();
        String who = principal == null ? null : principal.getName();
        return refusals.record(Area.ADMIN, client, who, request.method().name() + " " + request.path())
                .onItemOrFailure().transform((done, failure) -> Problems.problem(403, "Forbidden", DETAIL));
    }

    private static boolean adminOnly(ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return false;
        }
        RolesAllowed roles = method.getAnnotation(RolesAllowed.class);
        if (roles == null) {
            roles = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return roles != null && Arrays.equals(roles.value(), new String[] {Agent.ADMIN});
    }
}
