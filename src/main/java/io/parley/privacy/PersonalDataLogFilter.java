package io.parley.privacy;

import io.parley.ops.SecretLogFilter;
import io.quarkus.logging.LoggingFilter;
import org.jboss.logmanager.ExtLogRecord;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Every console line, whoever wrote it: secrets out first ({@link SecretLogFilter}), then every
 * personal detail replaced by its kind ({@code [PHONE]}, {@code [EMAIL]}), so no log line carries a
 * customer's phone, e-mail, ID, card or address.
 */
@LoggingFilter(name = "secrets-and-personal-data")
public final class PersonalDataLogFilter implements Filter {

    private final SecretLogFilter secrets = new SecretLogFilter();

    @Override
    public boolean isLoggable(LogRecord record) {
        secrets.isLoggable(record);
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        String masked = message == null ? null : PersonalData.redact(message);
        if (masked != null && !masked.equals(message)) {
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(masked, ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(masked);
            }
            record.setParameters(null);
        }
        return true;
    }
}
