package io.parley.conversation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConversationStatusTest {

    @Test
    void legalTransitionsOnly() {
        assertThat(ConversationStatus.BOT.canBecome(ConversationStatus.WAITING_AGENT)).isTrue();
        assertThat(ConversationStatus.WAITING_AGENT.canBecome(ConversationStatus.AGENT)).isTrue();
        assertThat(ConversationStatus.AGENT.canBecome(ConversationStatus.BOT)).isTrue();
        assertThat(ConversationStatus.RESOLVED.canBecome(ConversationStatus.BOT)).isTrue();
        assertThat(ConversationStatus.AGENT.canBecome(ConversationStatus.WAITING_AGENT)).isFalse();
        assertThat(ConversationStatus.BOT.canBecome(ConversationStatus.BOT)).isFalse();
        assertThat(ConversationStatus.CLOSED.next()).isEmpty();
        assertThat(ConversationStatus.of("waiting_agent")).isEqualTo(ConversationStatus.WAITING_AGENT);
        assertThat(ConversationStatus.WAITING_AGENT.wire()).isEqualTo("waiting_agent");
    }
}
