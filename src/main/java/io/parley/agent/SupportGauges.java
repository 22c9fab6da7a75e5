package io.parley.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.conversation.ConversationStatus;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The support side of the dashboard and of the NoAgentOnline alert, read from the database on a
 * schedule (the same figures on every instance: rules and panels take their max):
 * {@code parley_conversations_waiting}, {@code parley_agents_online}, {@code parley_handoffs_last_hour},
 * {@code parley_csat_average} and {@code parley_csat_ratings} (ratings 1-5 of the last 24 h).
 */
@ApplicationScoped
public class SupportGauges {

    private static final Logger LOG = Logger.getLogger(SupportGauges.class);

    record Figures(long waiting, long online, long handoffsLastHour, double csatAverage, long csatRatings) {
        static final Figures NONE = new Figures(0, 0, 0, Double.NaN, 0);
    }

    private final AgentAccounts accounts;
    private final AtomicReference<Figures> last = new AtomicReference<>(Figures.NONE);

    SupportGauges(AgentAccounts accounts, MeterRegistry metrics) {
        this.accounts = accounts;
        gauge(metrics, "parley.conversations.waiting", "Conversations waiting for a person", Figures::waiting);
        gauge(metrics, "parley.agents.online", "Agents with a console open", Figures::online);
        gauge(metrics, "parley.handoffs.last.hour", "Conversations handed to a person in the last hour", Figures::handoffsLastHour);
        gauge(metrics, "parley.csat.average", "Average customer rating (1-5) of the last 24 hours", Figures::csatAverage);
        gauge(metrics, "parley.csat.ratings", "Customer ratings given in the last 24 hours", Figures::csatRatings);
    }

    private void gauge(MeterRegistry metrics, String name, String description, java.util.function.ToDoubleFunction<Figures> value) {
        Gauge.builder(name, last, ref -> value.applyAsDouble(ref.get())).description(description).register(metrics);
    }

    @Scheduled(every = "${parley.ops.support-gauges-every:30s}", delay = 5, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            last.set(read());
        } catch (RuntimeException e) {
            // the database is away: the figures stay as they were; parley_database_up says so
            LOG.debugf("support figures not refreshed: %s", e.getMessage());
        }
    }

    @Transactional
    Figures read() {
        Object[] row = (Object[]) Agent.getEntityManager().createNativeQuery("""
                select (select count(*) from conversation where status = :waiting),
                       (select count(*) from conversation_event where to_status = :waiting and at > now() - interval '1 hour'),
                       (select avg(rating) from conversation where rated_at > now() - interval '24 hours'),
                       (select count(*) from conversation where rated_at > now() - interval '24 hours')
                """).setParameter("waiting", ConversationStatus.WAITING_AGENT.wire()).getSingleResult();
        return new Figures(((Number) row[0]).longValue(), accounts.online(), ((Number) row[1]).longValue(),
                row[2] == null ? Double.NaN : ((Number) row[2]).doubleValue(), ((Number) row[3]).longValue());
    }
}
