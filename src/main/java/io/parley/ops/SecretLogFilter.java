package io.parley.ops;

import io.parley.failure.SecretMask;
import io.quarkus.logging.LoggingFilter;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * The last line of defence for secrets in logs: every console line goes through {@link SecretMask}
 * with the configured secrets (API keys, passwords, identity secret, session key), whatever code
 * wrote it, Parley's or a library's. Code that handles a secret still masks it at the source.
 */
@LoggingFilter(name = "secrets")
public final class SecretLogFilter implements Filter {

    private static final List<String> SECRET_NAMES = List.of("api-key", "password", "secret", "session-key", "encryption-key");

    /** Configured secrets; API keys also in part (providers echo pieces), the others whole (a password may contain words). */
    private record Known(List<String> keys, List<String> others) {
    }

    private volatile Known secrets;

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        Known known = secrets();
        String masked = message;
        for (String secret : known.others()) {
            masked = masked == null ? null : masked.replace(secret, SecretMask.MASK);
        }
        masked = SecretMask.mask(masked, known.keys());
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

    /** Read once, lazily: the filter exists before the configuration is complete. */
    private Known secrets() {
        Known known = secrets;
        if (known == null) {
            List<String> keys = new ArrayList<>();
            List<String> others = new ArrayList<>();
            try {
                Config config = ConfigProvider.getConfig();
                for (String name : config.getPropertyNames()) {
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (SECRET_NAMES.stream().anyMatch(lower::endsWith)) {
                        config.getOptionalValue(name, String.class).filter(v -> !v.isBlank())
                                .ifPresent((lower.endsWith("api-key") ? keys : others)::add);
                    }
                }
            } catch (RuntimeException | LinkageError notReadyYet) {
                return new Known(List.of(), List.of()); // the key-shaped patterns still apply; try again on the next line
            }
            known = new Known(List.copyOf(keys), List.copyOf(others));
            secrets = known;
        }
        return known;
    }
}
