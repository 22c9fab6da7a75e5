package io.parley.agent;

import io.parley.chat.ChatConfig;
import io.parley.chat.FrameInput;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.parley.privacy.Placeholders;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An agent's correction of one answer: the intent it should have had and, optionally, what it should
 * have said. Corrections feed the bias report (intent agreement) and the fine-tuning export; the text
 * is kept masked ({@code [PHONE_1]}), as it is meant for training, never shown to the customer.
 */
@ApplicationScoped
public class AnswerCorrections {

    static final Pattern INTENT = Pattern.compile("[a-z][a-z0-9_]{1,39}");

    public record Correction(String intent, String text) {
    }

    private final DataSource dataSource;
    private final ChatConfig chat;

    AnswerCorrections(DataSource dataSource, ChatConfig chat) {
        this.dataSource = dataSource;
        this.chat = chat;
    }

    public void correct(UUID conversationId, long seq, Correction correction, String by) {
        if (correction == null || correction.intent() == null || !INTENT.matcher(correction.intent()).matches()) {
            throw ParleyException.badInput("\"intent\" is the intent the answer should have had (a-z, 0-9, _).");
        }
        String text = correction.text() == null || correction.text().isBlank() ? null : correction.text().strip();
        if (text != null && (text.length() > chat.maxTextChars() || !FrameInput.storable(text))) {
            throw ParleyException.badInput("\"text\" is at most " + chat.maxTextChars() + " characters. " + FrameInput.STORABLE_RULE);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update message set corrected_intent = ?, corrected_text = ?, corrected_by = ?, "
                     + "corrected_at = ? where conversation_id = ? and seq = ? and role = 'assistant'")) {
            ps.setString(1, correction.intent());
            ps.setString(2, text == null ? null : new Placeholders().mask(text));
            ps.setString(3, by);
            ps.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setObject(5, conversationId);
            ps.setLong(6, seq);
            if (ps.executeUpdate() == 0) {
                throw new ParleyException(ErrorCode.NOT_FOUND, "No answer of the assistant at seq " + seq + " in this conversation.");
            }
        } catch (SQLException e) {
            throw ParleyException.of(e);
        }
    }
}
