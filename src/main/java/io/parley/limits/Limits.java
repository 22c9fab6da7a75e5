package io.parley.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The customer-side limits of {@link LimitsConfig}, in memory: a refusal is a {@link ParleyException}
 * {@code rate_limited} with the time after which the same request succeeds ({@code retryAfterMs}).
 * Rates are token buckets; idle ones are forgotten (a forgotten bucket is a full one, which is what an
 * idle client has earned anyway), so memory stays bounded by the active clients.
 */
@ApplicationScoped
public class Limits {

    private final LimitsConfig config;
    private final Cache<UUID, TokenBucket> messages;
    private final Cache<String, TokenBucket> conversations;
    private final Map<String, AtomicInteger> sockets = new ConcurrentHashMap<>();
    private final Cache<Long, TokenBucket> keys = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(2)).maximumSize(10_000).build();

    Limits(LimitsConfig config) {
        this.config = config;
        this.messages = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(2)).maximumSize(200_000).build();
        this.conversations = Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(2)).maximumSize(200_000).build();
    }

    /** A customer message to {@code conversationId}: taken, or refused with when to send it again. */
    public void message(UUID conversationId) {
        long waitMs = messages.get(conversationId, id -> new TokenBucket(config.messagesPerMinute(), Duration.ofMinutes(1))).take();
        if (waitMs > 0) {
            throw refused("Too many messages at once: this one was not sent. It can be sent again in "
                    + seconds(waitMs) + ".", waitMs);
        }
    }

    /** A call with integration key {@code keyId}, allowed {@code perMinute}: taken, or refused with when to call again. */
    public void keyCall(long keyId, int perMinute) {
        long waitMs = keys.get(keyId, id -> new TokenBucket(perMinute, Duration.ofMinutes(1))).take();
        if (waitMs > 0) {
            throw refused("Too many calls with this integration key. Call again in " + seconds(waitMs) + ".", waitMs);
        }
    }

    /** A new conversation from {@code address}: taken, or refused with when one may start again. */
    public void newConversation(String address) {
        long waitMs = conversations.get(address, a -> new TokenBucket(config.conversationsPerHour(), Duration.ofHours(1))).take();
        if (waitMs > 0) {
            throw refused("Too many new conversations from your network: this message was not sent. It can be sent again in "
                    + seconds(waitMs) + ".", waitMs);
        }
    }

    /** A customer socket from {@code address} opens: false (nothing counted) when the address has too many open. */
    public boolean openSocket(String address) {
        AtomicInteger open = sockets.computeIfAbsent(address, a -> new AtomicInteger());
        if (open.incrementAndGet() > config.socketsPerAddress()) {
            closeSocket(address);
            return false;
        }
        return true;
    }

    /** A socket counted by {@link #openSocket} closed. */
    public void closeSocket(String address) {
        sockets.computeIfPresent(address, (a, open) -> open.decrementAndGet() <= 0 ? null : open);
    }

    /** When a client over the socket limit may try again: some of its sockets usually close within seconds. */
    public long socketRetryAfterMs() {
        return 5_000;
    }

    public int modelCallsPerConversation() {
        return config.modelCallsPerConversation();
    }

    private static ParleyException refused(String message, long waitMs) {
        return new ParleyException(ErrorCode.RATE_LIMITED, message, waitMs, null);
    }

    private static String seconds(long ms) {
        long s = Math.max(1, (ms + 999) / 1000);
        return s < 120 ? s + " s" : (s + 59) / 60 + " min";
    }
}
