package io.parley.audit;

import jakarta.enterprise.context.RequestScoped;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Facts only an endpoint knows about its own call (an export's format, whether it held personal details
 * in clear), added to the one entry the API's audit filter writes for the call: one entry per call, not
 * one from the filter and another from the endpoint.
 */
@RequestScoped
public class AuditDetails {

    private final Map<String, Object> details = new LinkedHashMap<>();

    public void put(String key, Object value) {
        details.put(key, value);
    }

    public Map<String, Object> all() {
        return Map.copyOf(details);
    }
}
