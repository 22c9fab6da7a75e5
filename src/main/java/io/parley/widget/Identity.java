package io.parley.widget;

import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Verified identities: a site's backend signs its user's id with the shared secret
 * ({@code hex(HMAC-SHA256(secret, userId))}); only a matching hash opens that user's conversation.
 */
@ApplicationScoped
public class Identity {

    private final WidgetConfig config;

    Identity(WidgetConfig config) {
        this.config = config;
    }

    public boolean configured() {
        return config.identitySecret().filter(s -> !s.isBlank()).isPresent();
    }

    public boolean verify(String userId, String userHash) {
        if (!configured() || userId == null || userHash == null) {
            return false;
        }
        byte[] expected = sign(config.identitySecret().get(), userId).getBytes(StandardCharsets.US_ASCII);
        byte[] given = userHash.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given); // constant time
    }

    static String sign(String secret, String userId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(userId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
