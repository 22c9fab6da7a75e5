package io.parley.ops;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Alertmanager's webhook receiver for the DingTalk route (deploy/alertmanager/alertmanager.yml).
 * Thin: {@link DingTalkRelay} checks the token, formats, signs and sends. A failure answers 502 so
 * that Alertmanager tries again.
 */
@Path("/alerts")
public class AlertsResource {

    private final DingTalkRelay relay;

    AlertsResource(DingTalkRelay relay) {
        this.relay = relay;
    }

    @POST
    @Path("/dingtalk")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response dingtalk(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, JsonNode notification) {
        return Response.status(switch (relay.relay(authorization, notification)) {
            case SENT -> 200;
            case OFF -> 404;
            case UNAUTHORIZED -> 401;
            case NO_ROBOT -> 503;
            case FAILED -> 502;
        }).build();
    }
}
