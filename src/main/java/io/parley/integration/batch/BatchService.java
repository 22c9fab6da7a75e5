package io.parley.integration.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.chat.ChatConfig;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.parley.integration.IntegrationConfig;
import io.parley.llm.LlmConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** Batch jobs: submit (after an estimate), follow, cancel, read results. The work itself is {@link BatchRunner}'s. */
@ApplicationScoped
public class BatchService {

    /** Tokens every answer's request carries besides the message (instructions, intents, format): measured on the default prompt. */
    private static final int PROMPT_TOKENS = 700;
    private static final int ANSWER_TOKENS = 250;

    private final BatchStore store;
    private final ObjectMapper json;
    private final IntegrationConfig config;
    private final ChatConfig chat;
    private final LlmConfig llm;

    BatchService(BatchStore store, ObjectMapper json, IntegrationConfig config, ChatConfig chat, LlmConfig llm) {
        this.store = store;
        this.json = json;
        this.config = config;
        this.chat = chat;
        this.llm = llm;
    }

    /** @param basis how the figure was reached, for the person who decides whether to start */
    public record Estimate(BatchMode mode, int items, BigDecimal cost, String currency, String basis) {
    }

    /** @param etaSeconds null until there is a rate to go by, or once the job has ended */
    public record Progress(UUID id, BatchMode mode, String status, int total, int done, int failed, BigDecimal cost, Long etaSeconds,
                           OffsetDateTime createdAt, OffsetDateTime finishedAt, Estimate estimate) {

        Progress withEstimate(Estimate e) {
            return new Progress(id, mode, status, total, done, failed, cost, etaSeconds, createdAt, finishedAt, e);
        }
    }

    public Estimate estimate(String mode, String body) {
        BatchMode m = mode(mode);
        return estimate(m, BatchItem.parse(json, body, config.batchMaxItems(), chat.maxTextChars()));
    }

    public Progress submit(String mode, String body, Long keyId) {
        BatchMode m = mode(mode);
        List<BatchItem> items = BatchItem.parse(json, body, config.batchMaxItems(), chat.maxTextChars());
        UUID id = UUID.randomUUID();
        store.create(id, keyId, m, items);
        return progress(id).withEstimate(estimate(m, items));
    }

    public Progress progress(UUID id) {
        BatchStore.Job j = store.job(id).orElseThrow(() -> new ParleyException(ErrorCode.NOT_FOUND, "No batch job " + id + "."));
        Long eta = null;
        int finished = j.done() + j.failed();
        if ("running".equals(j.status()) && finished > 0) {
            double perItem = Duration.between(j.createdAt(), OffsetDateTime.now()).toMillis() / (double) finished;
            eta = Math.round(perItem * (j.total() - finished) / 1000);
        }
        return new Progress(j.id(), j.mode(), j.status(), j.total(), j.done(), j.failed(), j.cost(), eta, j.createdAt(), j.finishedAt(), null);
    }

    /** The latest jobs, newest first (the console's list). */
    public List<Progress> recent() {
        return store.recent(50).stream().map(this::progress).toList();
    }

    public Progress cancel(UUID id) {
        progress(id);
        store.cancel(id);
        return progress(id);
    }

    /** The results lines finished so far, in item order. */
    public void results(UUID id, Consumer<String> line) {
        progress(id);
        store.results(id, line);
    }

    private Estimate estimate(BatchMode mode, List<BatchItem> items) {
        LlmConfig.PriceConfig price = llm.prices().get(llm.model());
        if (mode == BatchMode.CLASSIFY || llm.apiKey().isEmpty() || price == null) {
            String why = mode == BatchMode.CLASSIFY ? "classification is offline: no model requests"
                    : llm.apiKey().isEmpty() ? "no model is configured: answers come from the offline engine" : "the model has no price in parley.llm.prices";
            return new Estimate(mode, items.size(), BigDecimal.ZERO, llm.currency(), why);
        }
        long input = 0;
        for (BatchItem i : items) {
            input += PROMPT_TOKENS + i.text().length() / 2; // about 2 characters a token between Chinese and English
        }
        long output = (long) items.size() * Math.min(ANSWER_TOKENS, llm.maxTokens());
        BigDecimal cost = BigDecimal.valueOf(price.inputCacheMiss()).multiply(BigDecimal.valueOf(input))
                .add(BigDecimal.valueOf(price.output()).multiply(BigDecimal.valueOf(output)))
                .divide(BigDecimal.valueOf(1_000_000), 4, RoundingMode.HALF_UP);
        return new Estimate(mode, items.size(), cost, llm.currency(), "about " + input + " input tokens (none taken as cached) and "
                + output + " output tokens at " + llm.model() + "'s prices; the cost so far is measured as the job runs");
    }

    private static BatchMode mode(String wire) {
        BatchMode m = wire == null ? null : BatchMode.of(wire);
        if (m == null) {
            throw ParleyException.badInput("\"mode\" must be classify or answer.");
        }
        return m;
    }
}
