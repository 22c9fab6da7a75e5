package io.parley.llm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeepSeekClientTest {

    @Test
    void retryAfterInSecondsOrAsADate() {
        assertThat(ProviderErrors.retryAfterMs("2")).isEqualTo(2000L);
        assertThat(ProviderErrors.retryAfterMs("0.5")).isEqualTo(500L);
        assertThat(ProviderErrors.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
        assertThat(ProviderErrors.retryAfterMs("soon")).isNull();
        assertThat(ProviderErrors.retryAfterMs(null)).isNull();
    }
}
