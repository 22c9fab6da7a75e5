package io.parley.lifecycle;

import java.util.Locale;

/**
 * What a system message announces, stored with it as {@code kind}, with its text in the customer's
 * language. Clients read {@code kind} (stable), people read {@code text}.
 */
public enum SystemNotice {
    /** Waiting for an agent; someone is online. */
    HANDOFF_REQUESTED("I have asked a member of our support team to join. They will reply here shortly.",
            "已为您转接人工客服，客服人员将很快在这里回复您。"),
    /** Waiting for an agent; nobody is online: leave a message. */
    HANDOFF_NO_AGENT("No one from our support team is online right now. Leave your message here and we will reply as soon as someone is back.",
            "目前没有在线的人工客服。请在此留言，客服上线后会尽快回复您。"),
    AGENT_JOINED("%s from our support team has joined the conversation.", "客服 %s 已加入对话。"),
    AGENT_LEFT("%s has handed the conversation back to the assistant.", "客服 %s 已将对话转回智能助手。"),
    RESOLVED("This conversation is resolved. How did we do? You can rate it below.", "本次对话已解决。欢迎为我们的服务评分。"),
    RATED("Thank you for your rating.", "感谢您的评价。");

    private final String en;
    private final String zh;

    SystemNotice(String en, String zh) {
        this.en = en;
        this.zh = zh;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The text for a conversation in {@code locale}; {@code name} fills {@code %s} (the agent's name). */
    public String text(String locale, String name) {
        String template = locale != null && locale.toLowerCase(Locale.ROOT).startsWith("zh") ? zh : en;
        return template.contains("%s") ? String.format(template, name) : template;
    }
}
