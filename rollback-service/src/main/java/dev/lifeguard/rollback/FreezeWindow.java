package dev.lifeguard.rollback;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * A period in which automatic actions need approval: either fixed ({@code from}..{@code to}) or recurring (a 5-field
 * unix {@code cron} naming each start, a {@code duration}, a {@code zone}).
 *
 * <p>The recurring evaluation is completed by the policies work (issue 9, H1a); fixed windows work as written.
 */
public record FreezeWindow(Instant from, Instant to, String cron, Duration duration, ZoneId zone, String reason) {

    /** The occurrence in force at {@code at}, if any. */
    public Optional<Occurrence> activeAt(Instant at) {
        if (from != null && to != null) {
            return !at.isBefore(from) && at.isBefore(to) ? Optional.of(new Occurrence(from, to)) : Optional.empty();
        }
        throw new UnsupportedOperationException("recurring freeze windows are evaluated by the policies work");
    }

    /** One occurrence of the window: when it began and when it ends. */
    public record Occurrence(Instant from, Instant to) {
    }
}
