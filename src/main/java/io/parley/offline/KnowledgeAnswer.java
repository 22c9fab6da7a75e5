package io.parley.offline;

import io.parley.answer.Passage;

/**
 * The offline answer made from an article: the best passage, shortened to a few sentences, with the
 * link to the whole article and an offer of a person, in the customer's language. No model rewrote it:
 * these are the business's own words.
 */
final class KnowledgeAnswer {

    static final int SUMMARY_CHARS = 420;

    private KnowledgeAnswer() {
    }

    static String text(Passage best, String language) {
        boolean zh = language.equals("zh");
        String summary = summary(best);
        StringBuilder out = new StringBuilder(summary.length() + 160).append(summary).append("\n\n");
        if (best.url() != null) {
            out.append(zh ? "详情请看《" + best.title() + "》：" + best.url() : "More in \"" + best.title() + "\": " + best.url());
        } else {
            out.append(zh ? "（摘自《" + best.title() + "》）" : "(From our article \"" + best.title() + "\".)");
        }
        out.append(zh ? "\n如果这没有解答您的问题，我可以为您转接人工客服。" : "\nIf this does not answer your question, I can connect you with a person.");
        return out.toString();
    }

    /** The passage without its leading heading when that is the title, cut at a sentence end near {@value #SUMMARY_CHARS} characters. */
    static String summary(Passage p) {
        String text = p.text().strip();
        int eol = text.indexOf('\n');
        if (eol > 0 && text.substring(0, eol).strip().equalsIgnoreCase(p.title().strip())) {
            text = text.substring(eol + 1).strip();
        }
        if (text.length() <= SUMMARY_CHARS) {
            return text;
        }
        int cut = -1;
        for (int i = SUMMARY_CHARS; i > SUMMARY_CHARS / 3; i--) {
            if (".!?。！？".indexOf(text.charAt(i - 1)) >= 0) {
                cut = i;
                break;
            }
        }
        return cut > 0 ? text.substring(0, cut) : text.substring(0, SUMMARY_CHARS) + "…";
    }
}
