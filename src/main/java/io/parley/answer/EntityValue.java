package io.parley.answer;

/** One entity found in a message: {@code {"type": "order_id", "value": "AB1234567"}}. */
public record EntityValue(String type, String value) {
}
