package dev.lifeguard.notify.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What one POST to a channel came to.
 *
 * @param status     the HTTP status, or 0 when no response arrived (connection error, timeout, open circuit)
 * @param retryable  whether trying again could help
 * @param retryAfter the channel's {@code Retry-After}, if it sent one
 * @param error      what went wrong, for {@code lastError}; null on success
 */
public record HttpOutcome(int status, boolean retryable, Duration retryAfter, String error) {

    public static HttpOutcome response(int status, Duration retryAfter, String bodyExcerpt) {
        if (status >= 200 && status < 300) {
            return new HttpOutcome(status, false, null, null);
        }
        String error = "HTTP " + status + (bodyExcerpt == null || bodyExcerpt.isBlank() ? "" : ": " + bodyExcerpt.strip());
        // 408, 425, 429 and 5xx are worth another try; other 4xx mean the request or the URL is wrong.
        boolean retryable = status == 408 || status == 425 || status == 429 || status >= 500;
        return new HttpOutcome(status, retryable, retryAfter, error);
    }

    public static HttpOutcome noResponse(String error) {
        return new HttpOutcome(0, true, null, error);
    }

    /** Lifeguard itself will not send it (for example, the URL now resolves to a private address). */
    public static HttpOutcome refused(String error) {
        return new HttpOutcome(0, false, null, error);
    }

    public boolean delivered() {
        return status >= 200 && status < 300;
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date; null when absent or unreadable. */
    public static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(trimmed));
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
