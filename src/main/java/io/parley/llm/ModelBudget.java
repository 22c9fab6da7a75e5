package io.parley.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.parley.limits.Limits;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code parley.limits.model-calls-per-conversation}: the model requests a conversation may cost.
 * Counted here as they are made (starting from the conversation's stored {@code llm_call} rows when
 * this instance first meets it), because rows are written when a call ends: turns arriving together
 * would all pass a count of rows. A turn reserves its first request before it starts.
 */
@ApplicationScoped
class ModelBudget {

    private static final Logger LOG = Logger.getLogger(ModelBudget.class);

    private final Accounting accounting;
    private final Limits limits;
    private final Cache<UUID, AtomicLong> spent = Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).build();
    /** Turns whose first request is reserved and not made yet. */
    private final Set<String> reserved = ConcurrentHashMap.newKeySet();

    ModelBudget(Accounting accounting, Limits limits) {
        this.accounting = accounting;
        this.limits = limits;
    }

    /** Reserves the turn's first request: false when the conversation has spent its budget (the turn is answered offline). */
    boolean reserve(UUID conversationId, String turn) {
        AtomicLong calls;
        try {
            calls = spent.get(conversationId, id -> new AtomicLong(accounting.calls(id)));
        } catch (RuntimeException e) {
            LOG.warnf("request_id=%s model budget not checked (the database is away): %s", turn, e.getMessage());
            return true;
        }
        if (calls.incrementAndGet() > limits.modelCallsPerConversation()) {
            calls.decrementAndGet();
            return false;
        }
        reserved.add(key(conversationId, turn));
        return true;
    }

    /** A request is made: the reserved one, or one more (a retry, the next link of the chain). */
    void spend(UUID conversationId, String turn) {
        if (!reserved.remove(key(conversationId, turn))) {
            AtomicLong calls = spent.getIfPresent(conversationId);
            if (calls != null) {
                calls.incrementAndGet();
            }
        }
    }

    /** The turn ended: a reservation it never used (no provider was asked) is given back. */
    void release(UUID conversationId, String turn) {
        if (reserved.remove(key(conversationId, turn))) {
            AtomicLong calls = spent.getIfPresent(conversationId);
            if (calls != null) {
                calls.decrementAndGet();
            }
        }
    }

    private static String key(UUID conversationId, String turn) {
        return conversationId + "|" + turn;
    }
}
