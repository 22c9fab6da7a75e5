package io.parley.llm;

import io.parley.answer.ModelAttempt;
import io.parley.answer.StructuredAnswer;
import io.parley.answer.AnswerEvent;
import io.parley.answer.CallStats;
import io.parley.answer.Grounding;
import io.parley.actions.ActionTurns;
import io.parley.conversation.HistoryItem;
import io.parley.failure.LogFields;
import io.parley.offline.OfflineEngine;
import io.parley.privacy.PrivacyConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Answers one turn: chooses the tier, serves an opening question from the answer cache when it can,
 * otherwise walks the tier's fallback chain (provider:model links, then the offline engine). Each
 * provider link runs under that provider's guard (retry with backoff and Retry-After, circuit
 * breaker, bulkhead). Once answer text has reached the customer nothing is retried or replaced: the
 * failure goes to the caller, which stores the partial answer as incomplete.
 */
@ApplicationScoped
public class ModelRouter {

    private static final Logger LOG = Logger.getLogger(ModelRouter.class);
    private static final TypeLiteral<Uni<AnswerEvent.Done>> DONE = new TypeLiteral<>() {
    };

    /**
     * What the router needs to know about a turn.
     *
     * @param images the image(s) the customer sent with this turn's message, for the tier's vision model
     */
    public record Turn(UUID conversationId, String turn, long customerSeq, String text, String locale,
                       List<HistoryItem> history, boolean priority, Grounding grounding, List<ChatRequest.Image> images) {

        public Turn {
            grounding = grounding == null ? Grounding.NONE : grounding;
            images = images == null ? List.of() : images;
        }

        public Turn(UUID conversationId, String turn, long customerSeq, String text, String locale, List<HistoryItem> history,
                    boolean priority, Grounding grounding) {
            this(conversationId, turn, customerSeq, text, locale, history, priority, grounding, List.of());
        }

        /** A turn without the knowledge base. */
        public Turn(UUID conversationId, String turn, long customerSeq, String text, String locale, List<HistoryItem> history,
                    boolean priority) {
            this(conversationId, turn, customerSeq, text, locale, history, priority, Grounding.NONE);
        }

        /**
         * An opening question the answer cache may serve and keep: not one answered from articles, whose
         * citations point at this turn's passages and whose text must follow the articles as they change.
         */
        boolean opening() {
            return history.size() == 1 && grounding.passages().isEmpty() && images.isEmpty();
        }

        ActionTurns.Ref ref() {
            return new ActionTurns.Ref(conversationId, turn);
        }
    }

    /** A link of a chain: {@code provider:model}, or the offline engine ({@code provider} null). */
    public record Link(String provider, String model) {
        static Link parse(String spec) {
            String s = spec.strip();
            if (s.equals("offline")) {
                return new Link(null, "rules");
            }
            int colon = s.indexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException("a chain link is provider:model or offline, not \"" + spec + "\"");
            }
            return new Link(s.substring(0, colon), s.substring(colon + 1));
        }

        boolean offline() {
            return provider == null;
        }

        @Override
        public String toString() {
            return offline() ? "offline" : provider + ":" + model;
        }
    }

    /**
     * @param mask   personal details are replaced by placeholders before each request of this tier (see {@link Unmasking})
     * @param vision the link that takes images (on the provider of the chain's first link), or null: no model of this tier sees them
     */
    public record Tier(String name, List<Link> chain, TierParams params, boolean mask, Link vision) {

        public Tier(String name, List<Link> chain, TierParams params, boolean mask) {
            this(name, chain, params, mask, null);
        }

        /** An image turn goes to the vision link alone, without actions: no other link or the offline rules can see the image. */
        Tier forImages() {
            return new Tier(name, List.of(vision), params.withoutActions(), mask, vision);
        }
    }

    private final ProviderRegistry providers;
    private final PromptBuilder prompts;
    private final OfflineEngine offline;
    private final AnswerCache cache;
    private final Accounting accounting;
    private final LlmConfig config;
    private final AnswerRules rules;
    private final ModelBudget budget;
    private final ActionTurns actions;
    private final Map<String, Tier> tiers = new LinkedHashMap<>();
    /** {@code provider|model} pairs that refused {@code response_format}: asked without it from then on. */
    private final Set<String> formatRefused = ConcurrentHashMap.newKeySet();

    ModelRouter(ProviderRegistry providers, PromptBuilder prompts, OfflineEngine offline, AnswerCache cache,
                Accounting accounting, LlmConfig config, ModelBudget budget, ActionTurns actions, PrivacyConfig privacy) {
        this.budget = budget;
        this.actions = actions;
        this.providers = providers;
        this.prompts = prompts;
        this.offline = offline;
        this.cache = cache;
        this.accounting = accounting;
        this.config = config;
        this.rules = new AnswerRules(config);
        tiers.putAll(Tiers.of(config, privacy.maskBeforeModel(), name -> providers.get(name) != null));
    }

    /** Asks every provider for its configured response_format again (after a provider upgrade; tests). */
    public void forgetFormatRefusals() {
        formatRefused.clear();
    }

    public Map<String, Tier> tiers() {
        return tiers;
    }

    /** The tier for a turn: priority conversations, then long messages, then the default tier. */
    public Tier route(Turn turn) {
        LlmConfig.RoutingConfig r = config.routing();
        if (turn.priority() && tiers.containsKey(r.priorityTier())) {
            return tiers.get(r.priorityTier());
        }
        if (turn.text().length() >= r.longMessageChars() && tiers.containsKey(r.longMessageTier())) {
            return tiers.get(r.longMessageTier());
        }
        return tiers.get(r.defaultTier());
    }

    /** The link that would see an image sent in this turn, if its tier has one whose provider is enabled. */
    public Optional<Link> vision(Turn turn) {
        return Optional.ofNullable(route(turn).vision()).filter(l -> providers.get(l.provider()).enabled());
    }

    /**
     * Answers the turn. A turn with images goes to its tier's vision link only (never the answer cache, the
     * offline rules or a proposed action's confirmation); when that link cannot answer, the turn fails with
     * {@link ModelUnavailableException} and the caller says honestly that a person will look at the image.
     */
    public Multi<AnswerEvent> answer(Turn turn) {
        Tier tier = route(turn);
        if (!turn.images().isEmpty()) {
            if (tier.vision() == null || !budget.reserve(turn.conversationId(), turn.turn())) {
                return Multi.createFrom().failure(new ModelUnavailableException("no vision model of tier " + tier.name() + " may answer"));
            }
            return chain(turn, tier.forImages());
        }
        // a yes or no to a change proposed earlier is answered by running (or dropping) it, whatever the engine
        var confirmed = actions.reply(turn.ref(), turn.text(), turn.locale());
        if (confirmed.isPresent()) {
            return confirmed.get();
        }
        if (turn.opening()) {
            var hit = cache.get(tier.name(), turn.text());
            if (hit.isPresent()) {
                return hit.get().replay();
            }
        }
        if (!budget.reserve(turn.conversationId(), turn.turn())) {
            LOG.infof("request_id=%s conversation=%s resolution=\"over the model budget (parley.limits.model-calls-per-conversation): answered offline\"",
                    turn.turn(), turn.conversationId());
            accounting.overBudget();
            return offline.stream(turn.text(), turn.locale(), turn.ref(), turn.grounding()); // an answer still, not an error: the rules, the actions and the knowledge base
        }
        return chain(turn, tier);
    }

    /** Walks the tier's chain under the model budget reserved for the turn, released when it ends. */
    private Multi<AnswerEvent> chain(Turn turn, Tier tier) {
        return Multi.createFrom().<AnswerEvent>emitter(out -> next(turn, tier, 0, out, new AtomicBoolean()))
                .onTermination().invoke(() -> budget.release(turn.conversationId(), turn.turn()));
    }

    private void next(Turn turn, Tier tier, int index, MultiEmitter<? super AnswerEvent> out, AtomicBoolean textSent) {
        if (index >= tier.chain().size()) {
            out.fail(new ModelUnavailableException("no link of tier " + tier.name() + " could answer"));
            return;
        }
        Link link = tier.chain().get(index);
        if (link.offline()) {
            Cancellable rules = offline.stream(turn.text(), turn.locale(), turn.ref(), turn.grounding()).subscribe().with(out::emit, out::fail, out::complete);
            out.onTermination(rules::cancel);
            return;
        }
        Provider provider = providers.get(link.provider());
        if (!provider.enabled()) {
            next(turn, tier, index + 1, out, textSent); // no API key for it: not a failure, just not available
            return;
        }
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean usedActions = new AtomicBoolean();
        // this link's streams: the guard does not pass a cancellation on to the attempt it runs, so they are cancelled directly
        List<Cancellable> streams = new CopyOnWriteArrayList<>();
        Uni<AnswerEvent.Done> guarded = provider.guard().get(
                () -> attempt(turn, tier, link, provider, attempts.incrementAndGet(), out, textSent, streams, usedActions), DONE);
        // the guard's callbacks run on other threads: each carries the turn's log fields
        Cancellable running = guarded.subscribe().with(LogFields.turn(turn.turn(), turn.conversationId(), (AnswerEvent.Done done) -> {
            if (out.isCancelled()) {
                // the caller dropped the turn while this request finished: its row would have gone with the answer
                if (done.attempt() != null) {
                    accounting.store(done.attempt());
                }
                return;
            }
            if (turn.opening() && !usedActions.get() && !done.personal()) { // never cached: answers built on an action's result, or on personal details
                cache.putIfCacheable(tier.name(), turn.text(), turn.locale(), new AnswerCache.Cached(done.answer(), done.stats()));
            }
            out.emit(done);
            out.complete();
        }), LogFields.turn(turn.turn(), turn.conversationId(), (Throwable failure) -> {
            if (textSent.get()) {
                out.fail(failure); // the customer saw part of this answer: never replace it silently
                return;
            }
            String resolution = index + 1 < tier.chain().size() ? "falling back to " + tier.chain().get(index + 1) : "giving up";
            try (LogFields f = FailureFields.fields(turn, link.provider(), failure)) {
                LOG.warnf("request_id=%s conversation=%s tier=%s link=%s error_type=%s resolution=\"%s\" detail=\"%s\"",
                        turn.turn(), turn.conversationId(), tier.name(), link, FailureFields.errorType(failure), resolution, failure.getMessage());
            }
            next(turn, tier, index + 1, out, textSent);
        }));
        // the caller cancelling (an early call dropped, shutdown) aborts the request to the provider
        out.onTermination(() -> {
            running.cancel();
            streams.forEach(Cancellable::cancel); // a finished stream ignores it; a dropped one is accounted as cancelled
        });
    }

    /** One request to one provider: events go straight to the customer; the Uni ends with the finished answer. */
    private Uni<AnswerEvent.Done> attempt(Turn turn, Tier tier, Link link, Provider provider, int number,
                                          MultiEmitter<? super AnswerEvent> out, AtomicBoolean textSent, List<Cancellable> running,
                                          AtomicBoolean usedActions) {
        ActionSteps steps = new ActionSteps(actions, turn.ref(), ActionTurns.language(turn.text(), turn.locale()),
                () -> offline.answer(turn.text(), turn.locale()), tier.params().actions(), usedActions);
        return Uni.createFrom().emitter(result -> {
            String key = provider.name() + "|" + link.model();
            LlmConfig.ResponseFormat format = formatRefused.contains(key) ? LlmConfig.ResponseFormat.none : provider.responseFormat();
            request(turn, tier, link, provider, number, out, textSent, result, running, format, steps);
            // cancelled: the streams' own termination releases their slots (cancelling a finished one does nothing)
            result.onTermination(() -> running.forEach(Cancellable::cancel));
        });
    }

    /**
     * Sends the request and follows its stream. A refusal of {@code response_format} (a 400 that names it)
     * before any text is not this provider failing: the same request goes again at once without it, and
     * the provider and model are remembered so that later turns do not ask for it.
     */
    private void request(Turn turn, Tier tier, Link link, Provider provider, int number, MultiEmitter<? super AnswerEvent> out,
                         AtomicBoolean textSent, io.smallrye.mutiny.subscription.UniEmitter<? super AnswerEvent.Done> result,
                         List<Cancellable> running, LlmConfig.ResponseFormat format, ActionSteps steps) {
        AnswerAssembly assembly = new AnswerAssembly(System.nanoTime(), rules, () -> offline.answer(turn.text(), turn.locale()),
                config.emptyAnswerText(turn.images().isEmpty() ? turn.text() : "", turn.locale())); // a photo's "[image]" says no language
        Unmasking masks = Unmasking.of(tier.mask());
        List<ChatRequest.Msg> messages = new ArrayList<>(prompts.messages(turn.history(), turn.grounding(), masks::mask, turn.images()));
        steps.messages().forEach(m -> messages.add(masks.mask(m))); // the tool calls and results of this turn's earlier steps
        ChatRequest request = new ChatRequest(link.model(), messages, prompts.responseFormat(format), steps.tools(),
                steps.toolChoice());
        ToolCallBuffer toolCalls = new ToolCallBuffer();
        provider.activeStreams().incrementAndGet();
        budget.spend(turn.conversationId(), turn.turn());
        AtomicBoolean open = new AtomicBoolean(true);
        Runnable closed = () -> {
            if (open.compareAndSet(true, false)) {
                provider.activeStreams().decrementAndGet();
            }
        };
        Cancellable stream = provider.client().stream(request, tier.params())
                .onTermination().invoke(closed)
                // dropped before its end (shutdown, the caller gone): the provider bills it all the same
                .onCancellation().invoke(() -> accounting.record(new Accounting.Attempt(turn.conversationId(), turn.turn(),
                        turn.customerSeq(), tier.name(), provider.name(), link.model(), number, assembly.stats(provider.name(), link.model()),
                        new ProviderException(ProviderException.Kind.CANCELLED, 0, null, "dropped before the answer ended"),
                        assembly.finishReason())))
                .subscribe().with(
                chunk -> {
                    toolCalls.add(chunk.toolCalls());
                    for (AnswerEvent e : assembly.onChunk(chunk)) {
                        emit(out, textSent, masks.restore(e));
                    }
                },
                LogFields.turn(turn.turn(), turn.conversationId(), (Throwable failure) -> {
                    closed.run();
                    ProviderException error = failure instanceof ProviderException p ? p
                            : new ProviderException(ProviderException.Kind.CONNECTION, 0, null, String.valueOf(failure.getMessage()));
                    if (format != LlmConfig.ResponseFormat.none && !textSent.get() && ProviderErrors.refusesResponseFormat(error)) {
                        if (formatRefused.add(provider.name() + "|" + link.model())) {
                            LOG.warnf("provider=%s model=%s refuses response_format %s (\"%s\"): asking it for JSON by the prompt alone "
                                    + "from now on; set parley.llm.providers.%s.response-format=none to skip the refused request",
                                    provider.name(), link.model(), format, error.getMessage(), provider.name());
                        }
                        request(turn, tier, link, provider, number, out, textSent, result, running, LlmConfig.ResponseFormat.none, steps);
                        return;
                    }
                    CallStats stats = assembly.stats(provider.name(), link.model());
                    accounting.record(new Accounting.Attempt(turn.conversationId(), turn.turn(), turn.customerSeq(), tier.name(),
                            provider.name(), link.model(), number, stats, error, assembly.finishReason()));
                    try (LogFields f = FailureFields.fields(turn, provider.name(), error)) {
                        LOG.infof("request_id=%s provider=%s model=%s attempt=%d status=%d error_type=%s resolution=\"%s\" detail=\"%s\"",
                                turn.turn(), provider.name(), link.model(), number, error.status(), error.kind(),
                                textSent.get() ? "answer interrupted: stored as incomplete" : error.kind().retryable ? "retry if budget left" : "next link",
                                error.getMessage());
                    }
                    if (textSent.get()) {
                        emit(out, textSent, masks.rest());
                    }
                    result.fail(textSent.get() ? new AnswerInterruptedException(stats, masks.answer(assembly.interrupted()), error) : error);
                }),
                LogFields.turn(turn.turn(), turn.conversationId(), () -> {
                    closed.run();
                    if (toolCalls.any() && !textSent.get()) {
                        // a step that called actions: its own row, then the next step (or an answer stated here)
                        accounting.record(new Accounting.Attempt(turn.conversationId(), turn.turn(), turn.customerSeq(), tier.name(),
                                provider.name(), link.model(), number, assembly.stats(provider.name(), link.model()), null, assembly.finishReason()));
                        long started = System.nanoTime();
                        steps.handle(masks.restore(toolCalls.calls()), out::emit).subscribe().with(LogFields.turn(turn.turn(), turn.conversationId(), next -> {
                            if (next.more()) {
                                request(turn, tier, link, provider, number, out, textSent, result, running, format, steps);
                                return;
                            }
                            StructuredAnswer stated = next.answer();
                            out.emit(new AnswerEvent.Head(stated.intent(), stated.confidence(), stated.entities()));
                            textSent.set(true);
                            out.emit(new AnswerEvent.Text(stated.answer()));
                            result.complete(new AnswerEvent.Done(stated, ActionTurns.stats(started)));
                        }), result::fail);
                        return;
                    }
                    for (AnswerEvent e : assembly.finish()) {
                        emit(out, textSent, masks.restore(e));
                    }
                    emit(out, textSent, masks.rest());
                    StructuredAnswer answer = masks.answer(assembly.answer());
                    if (answer.form() != StructuredAnswer.Form.STRUCTURED) {
                        accounting.degradedAnswer(provider.name(), link.model(), answer.form().name().toLowerCase(Locale.ROOT));
                        LOG.infof("request_id=%s provider=%s model=%s answer_form=%s finish_reason=%s intent_source=%s",
                                turn.turn(), provider.name(), link.model(), answer.form(), answer.finishReason(), answer.intentSource());
                    }
                    CallStats stats = assembly.stats(provider.name(), link.model());
                    ModelAttempt row = accounting.account(new Accounting.Attempt(turn.conversationId(), turn.turn(), turn.customerSeq(),
                            tier.name(), provider.name(), link.model(), number, stats, null, assembly.finishReason()));
                    result.complete(new AnswerEvent.Done(answer, stats, row, masks.masked()));
                }));
        running.add(stream);
    }

    private static void emit(MultiEmitter<? super AnswerEvent> out, AtomicBoolean textSent, AnswerEvent e) {
        if (e == null) {
            return;
        }
        if (e instanceof AnswerEvent.Text) {
            textSent.set(true);
        }
        out.emit(e);
    }
}
