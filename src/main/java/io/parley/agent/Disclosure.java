package io.parley.agent;

import io.parley.failure.ParleyException;
import io.parley.llm.ModelRouter;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The public AI disclosure page: which providers and models answer (always read from the routing
 * configuration, so it cannot go stale), then the admins' text: what those providers publish about
 * their training data and what Parley stores. Until an admin edits it, a built-in text says the latter.
 */
@ApplicationScoped
public class Disclosure {

    static final int MAX_CHARS = 20_000;
    static final String DEFAULT_TEXT = """
            Answers in this chat are written by an AI assistant and labelled "AI-generated". A person from our \
            support team can take over at any time: ask for a person.

            What the model providers publish about their training data: DeepSeek describes the data its models were \
            trained on in its model papers and cards (https://github.com/deepseek-ai) and its privacy policy \
            (https://platform.deepseek.com/downloads/DeepSeek%20Privacy%20Policy.html). The offline assistant is trained \
            only on example questions shipped with Parley and added by this business.

            What is sent to the model: your messages and the conversation so far, with phone numbers, e-mail \
            addresses, ID-card and bank-card numbers and addresses replaced by placeholders, so the provider never \
            receives them.

            What Parley stores: the conversation (your messages, the answers, which model wrote each one and when), \
            with those personal details encrypted (AES-256-GCM); ratings you give; no cookies beyond the one that keeps \
            this conversation open in your browser.""";

    /** What the page shows: the models in use, the admins' (or the built-in) text, and when it was last edited. */
    public record View(List<String> models, String text, boolean edited, String updatedBy, OffsetDateTime updatedAt) {
    }

    private final DataSource dataSource;
    private final ModelRouter router;

    Disclosure(DataSource dataSource, ModelRouter router) {
        this.dataSource = dataSource;
        this.router = router;
    }

    public View view() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select body, updated_by, updated_at from ai_disclosure where id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                return new View(models(), rs.getString(1), true, rs.getString(2), rs.getObject(3, OffsetDateTime.class));
            }
            return new View(models(), DEFAULT_TEXT, false, null, null);
        } catch (SQLException e) {
            throw ParleyException.of(e);
        }
    }

    public View update(String text, String by) {
        if (text == null || text.isBlank() || text.length() > MAX_CHARS) {
            throw ParleyException.badInput("The disclosure text is 1 to " + MAX_CHARS + " characters.");
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into ai_disclosure (id, body, updated_by, updated_at) values (1, ?, ?, ?) "
                     + "on conflict (id) do update set body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at")) {
            ps.setString(1, text.strip());
            ps.setString(2, by);
            ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw ParleyException.of(e);
        }
        return view();
    }

    /** Every link of every tier: {@code provider · model}, and the offline assistant. */
    private List<String> models() {
        Set<String> out = new LinkedHashSet<>();
        for (ModelRouter.Tier tier : router.tiers().values()) {
            for (ModelRouter.Link link : tier.chain()) {
                out.add(link.provider() == null ? "Parley offline assistant (rules and a classifier trained on example questions)"
                        : link.provider() + " · " + link.model());
            }
        }
        return List.copyOf(out);
    }

    /** The public page: plain HTML, every text escaped. */
    static String html(View v) {
        StringBuilder h = new StringBuilder(4096);
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
                .append("<title>About this AI assistant</title><style>body{font:15px/1.55 system-ui,sans-serif;max-width:720px;")
                .append("margin:2em auto;padding:0 1em;color:#1d2430}p{white-space:pre-wrap}</style></head><body>")
                .append("<h1>About this AI assistant</h1><h2>Which models answer</h2><ul>");
        v.models().forEach(m -> h.append("<li>").append(TranscriptExport.esc(m)).append("</li>"));
        h.append("</ul>");
        for (String paragraph : v.text().split("\\n\\s*\\n")) {
            h.append("<p>").append(TranscriptExport.esc(paragraph.strip())).append("</p>");
        }
        if (v.updatedAt() != null) {
            h.append("<p><small>Last updated ").append(v.updatedAt().toLocalDate()).append("</small></p>");
        }
        return h.append("</body></html>").toString();
    }
}
