package io.parley.audit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an API method's call is recorded as in the audit trail. Every {@code /api} call is recorded;
 * without this annotation as {@code api_read} (GET) or {@code api_write} (anything else).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {
    AuditAction value();
}
