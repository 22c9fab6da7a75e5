package io.parley.audit;

import java.util.Map;

/**
 * One thing to record. {@code actor} is an agent's login, {@code key:<name>} for an integration key,
 * {@code customer} or {@code system}; {@code target} names what was touched (a conversation id, an
 * article, an account). Details hold facts about the act, never the content of what was erased or a secret.
 */
public record AuditEntry(String actor, String address, AuditAction action, String target, AuditOutcome outcome,
                         Map<String, ?> details) {

    public AuditEntry {
        if (actor == null || actor.isBlank() || action == null || outcome == null) {
            throw new IllegalArgumentException("an audit entry needs an actor, an action and an outcome");
        }
        details = details == null ? Map.of() : details;
    }

    public static AuditEntry of(String actor, String address, AuditAction action, String target, AuditOutcome outcome) {
        return new AuditEntry(actor, address, action, target, outcome, Map.of());
    }
}
