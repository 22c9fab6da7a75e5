package io.parley.llm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeepSeekClientTest {

    @Test
    void retryAfterInSecondsOrAsADate() {
        assertThat(DeepSeekClient.retryAfterMs("2")).isEqualTo(2000L);
        assertThat(DeepSeekClient.retryAfterMs("0.5")).isEqualTo(500L);
        assertThat(DeepSeekClient.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
        assertThat(DeepSeekClient.retryAfterMs("soon")).isNull();
        assertThat(DeepSeekClient.retryAfterMs(null)).isNull();
    }
}
