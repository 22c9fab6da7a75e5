package io.parley.privacy;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/** The personal-detail patterns, the placeholders (also split across streamed pieces) and the log filter. */
class PersonalDataTest {

    @Test
    void findsEachKindAndLeavesOrderAndTrackingNumbersAlone() {
        String text = "手机 13812345678, mail ada.lovelace@example.com, card 4111 1111 1111 1111, 身份证 11010519491231002X, "
                + "寄到上海市浦东新区世纪大道100号, or 221 Baker Street, order AB1234567, 运单号 SF1234567890123, order 1234567890123456";
        // a Chinese address is found from its road and number back to the longest run of place words (it may take a verb along)
        assertThat(PersonalData.find(text)).extracting(s -> s.kind() + "=" + s.value().replace("寄到", "")).containsExactly(
                "PHONE=13812345678", "EMAIL=ada.lovelace@example.com", "BANK_CARD=4111 1111 1111 1111",
                "ID_CARD=11010519491231002X", "ADDRESS=上海市浦东新区世纪大道100号", "ADDRESS=221 Baker Street");
        // 16 digits that fail the Luhn check, and an ID whose check digit is wrong, are not personal details
        assertThat(PersonalData.find("order 1234567890123456 and id 44030419900101123X")).isEmpty();
    }

    @Test
    void theSameDetailKeepsItsPlaceholderAcrossMessagesAndComesBack() {
        Placeholders p = new Placeholders();
        assertThat(p.mask("call 13812345678 or +44 20 7946 0958")).isEqualTo("call [PHONE_1] or [PHONE_2]");
        assertThat(p.mask("again: 13812345678")).isEqualTo("again: [PHONE_1]");
        assertThat(p.restore("We will call [PHONE_1]; [PHONE_9] is unknown")).isEqualTo("We will call 13812345678; [PHONE_9] is unknown");
    }

    @Test
    void aPlaceholderSplitAcrossStreamedPiecesIsRestoredWhole() {
        Placeholders p = new Placeholders();
        p.mask("mail ada@example.com");
        Placeholders.Stream s = p.stream();
        StringBuilder shown = new StringBuilder();
        for (String piece : new String[] {"We wrote to [", "EMA", "IL_", "1] today [", "ok]", " [EMAIL_1", "]", " [PHO"}) {
            String ready = s.next(piece);
            assertThat(ready).doesNotContain("[EMA").doesNotContain("IL_");
            shown.append(ready);
        }
        shown.append(s.end());
        assertThat(shown.toString()).isEqualTo("We wrote to ada@example.com today [ok] ada@example.com [PHO");
    }

    @Test
    void logLinesLoseEveryPersonalDetail() {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "customer said %s", ExtLogRecord.FormatStyle.PRINTF, PersonalDataTest.class.getName());
        record.setParameters(new Object[] {"call 138-1234-5678, card 4111111111111111, ada@example.com, order AB1234567"});
        assertThat(new PersonalDataLogFilter().isLoggable(record)).isTrue();
        assertThat(record.getFormattedMessage()).isEqualTo("customer said call [PHONE], card [BANK_CARD], [EMAIL], order AB1234567");
    }

    @Test
    void keysMustBeVersionedAes256AndTheErrorNeverRepeatsThem() {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        KeyRing ring = KeyRing.parse("1:" + key + ",3:" + key, null);
        assertThat(ring.active()).isEqualTo(3);
        assertThat(KeyRing.parse("1:" + key + ",3:" + key, 1).active()).isEqualTo(1);
        String shortKey = java.util.Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyRing.parse("2:" + shortKey, null))
                .hasMessageContaining("32 bytes").hasMessageNotContaining(shortKey);
        assertThat(ring.toString()).doesNotContain(key);
    }
}
