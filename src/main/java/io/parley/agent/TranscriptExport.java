package io.parley.agent;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/** One conversation as CSV (one row per message) or as a printable HTML page. */
final class TranscriptExport {

    private TranscriptExport() {
    }

    static String csv(Transcript t) {
        StringWriter w = new StringWriter();
        try {
            Csv.row(w, "seq", "at", "role", "author", "text", "intent", "confidence", "entities", "source", "provider", "model",
                    "prompt_tokens", "completion_tokens", "first_token_ms", "total_ms", "state", "ai_generated", "personal_data");
            for (Transcript.Line m : t.messages()) {
                Csv.row(w, m.seq(), m.at(), m.role(), m.author() != null ? m.author() : m.kind(), m.text(), m.intent(), m.confidence(),
                        entities(m), m.source(), m.provider(), m.model(), m.promptTokens(), m.completionTokens(),
                        m.firstTokenMs(), m.totalMs(), m.state(), Boolean.TRUE.equals(m.aiGenerated()), t.personalData());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    static String html(Transcript t) {
        Transcript.Summary c = t.conversation();
        StringBuilder h = new StringBuilder(4096);
        h.append("<!doctype html><html lang=\"").append(esc(c.locale() == null ? "en" : c.locale())).append("\"><head><meta charset=\"utf-8\">")
                .append("<title>Conversation ").append(c.id()).append("</title><style>")
                .append("body{font:14px/1.5 system-ui,sans-serif;max-width:780px;margin:2em auto;color:#1d2430}")
                .append("h1{font-size:18px}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{color:#5b6472}")
                .append(".m{border-left:3px solid #c9d1dc;padding:4px 10px;margin:8px 0;page-break-inside:avoid}")
                .append(".customer{border-color:#2f6fed}.agent{border-color:#1c8a4c}.system{border-color:#999;color:#555;font-style:italic}")
                .append(".meta{color:#5b6472;font-size:12px}p{white-space:pre-wrap;margin:2px 0}@media print{body{margin:0}}")
                .append("</style></head><body>");
        h.append("<h1>Conversation ").append(c.id()).append("</h1><dl>")
                .append("<dt>Status</dt><dd>").append(esc(c.status())).append("</dd>")
                .append("<dt>Started</dt><dd>").append(c.createdAt()).append("</dd>")
                .append("<dt>Last activity</dt><dd>").append(c.updatedAt()).append("</dd>")
                .append("<dt>Agent</dt><dd>").append(esc(c.agentName() == null ? "—" : c.agentName())).append("</dd>")
                .append("<dt>Tags</dt><dd>").append(esc(String.join(", ", c.tags()))).append("</dd>")
                .append("<dt>Rating</dt><dd>").append(c.rating() == null ? "—" : c.rating() + "/5 " + esc(c.ratingComment() == null ? "" : c.ratingComment()))
                .append("</dd><dt>Personal data</dt><dd>").append(Transcript.PERSONAL_DATA_CLEAR.equals(t.personalData())
                        ? "in clear" : "masked ([PHONE_1], [EMAIL_1], …)").append("</dd></dl>");
        for (Transcript.Line m : t.messages()) {
            h.append("<div class=\"m ").append(esc(m.role())).append("\"><div class=\"meta\">#").append(m.seq()).append(' ')
                    .append(m.at()).append(" · ").append(esc(m.author() != null ? m.author() : m.role()));
            if (Boolean.TRUE.equals(m.aiGenerated())) {
                h.append(" · AI-generated");
            }
            if (m.intent() != null) {
                h.append(" · intent ").append(esc(m.intent()));
                if (m.confidence() != null) {
                    h.append(String.format(" (%.2f)", m.confidence()));
                }
            }
            if (m.entities() != null && !m.entities().isEmpty()) {
                h.append(" · ").append(esc(entities(m)));
            }
            if (m.source() != null) {
                h.append(" · ").append(esc(m.source())).append(m.model() == null ? "" : " " + esc(m.model()));
            }
            h.append("</div><p>").append(esc(m.text())).append("</p></div>");
        }
        if (!t.notes().isEmpty()) {
            h.append("<h2>Internal notes</h2>");
            for (Transcript.Note n : t.notes()) {
                h.append("<div class=\"m\"><div class=\"meta\">").append(n.at()).append(" · ").append(esc(n.author()))
                        .append("</div><p>").append(esc(n.text())).append("</p></div>");
            }
        }
        h.append("<h2>History</h2><ul>");
        for (Transcript.Event e : t.history()) {
            h.append("<li>").append(e.at()).append(": ").append(esc(e.from())).append(" → ").append(esc(e.to()))
                    .append(" (").append(esc(e.actor())).append(e.reason() == null ? "" : ", " + esc(e.reason())).append(")</li>");
        }
        return h.append("</ul></body></html>").toString();
    }

    private static String entities(Transcript.Line m) {
        return m.entities() == null ? "" : m.entities().stream().map(e -> e.type() + "=" + e.value())
                .collect(Collectors.joining("; "));
    }

    /** Customer and model text is data, never markup. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
