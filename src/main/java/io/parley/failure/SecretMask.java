package io.parley.failure;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Takes secrets out of text that may be stored or logged. Providers echo keys back in their errors,
 * often only in part ("Incorrect API key provided: sk-secret-can***"), so a plain replace of the
 * whole key is not enough: any piece of a known secret of {@value #MIN_PIECE} characters or more goes,
 * and so does anything shaped like an API key or a bearer token, known or not.
 */
public final class SecretMask {

    public static final String MASK = "***";
    /** Shorter pieces would hit ordinary words; 8 characters of a random key are still far too many to leak. */
    static final int MIN_PIECE = 8;
    private static final Pattern KEY_SHAPED = Pattern.compile("\\b(sk|pk|rk|ak)-[A-Za-z0-9_\\-]{3,}\\**");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9_\\-.=+/]{4,}");

    private SecretMask() {
    }

    public static String mask(String text, Collection<String> secrets) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = maskPieces(masked, secret);
        }
        masked = KEY_SHAPED.matcher(masked).replaceAll("$1-" + MASK);
        return BEARER.matcher(masked).replaceAll("$1 " + MASK);
    }

    /** Every run of at least MIN_PIECE characters that also occurs in {@code secret}, longest first from the left. */
    private static String maskPieces(String text, String secret) {
        if (secret == null || secret.length() < MIN_PIECE) {
            return secret == null || secret.isEmpty() ? text : text.replace(secret, MASK);
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int run = longestRunAt(text, i, secret);
            if (run >= MIN_PIECE) {
                out.append(MASK);
                i += run;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    private static int longestRunAt(String text, int at, String secret) {
        int best = 0;
        for (int s = secret.indexOf(text.charAt(at)); s >= 0; s = secret.indexOf(text.charAt(at), s + 1)) {
            int n = 0;
            while (at + n < text.length() && s + n < secret.length() && text.charAt(at + n) == secret.charAt(s + n)) {
                n++;
            }
            best = Math.max(best, n);
        }
        return best;
    }
}
