package dev.lifeguard.rollback;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * A period in which automatic actions need approval: either fixed ({@code from}..{@code to}) or recurring (a 5-field
 * unix {@code cron} naming each start, read in {@code zone}, each occurrence lasting {@code duration}).
 *
 * <p>A recurring occurrence lasts {@code duration} of elapsed time from its start: a window that spans a daylight
 * saving change ends an hour earlier or later on the wall clock, never shorter or longer than configured.
 */
public record FreezeWindow(Instant from, Instant to, String cron, Duration duration, ZoneId zone, String reason) {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final CronParser UNIX_CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    public FreezeWindow {
        boolean fixed = from != null && to != null;
        boolean recurring = cron != null && duration != null;
        if (fixed == recurring) {
            throw new IllegalArgumentException("a freeze window is either from+to or cron+duration");
        }
        if (fixed && !to.isAfter(from)) {
            throw new IllegalArgumentException("to must be after from");
        }
        if (recurring) {
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            schedule(cron);
            zone = zone == null ? UTC : zone;
        }
    }

    public static FreezeWindow fixed(Instant from, Instant to, String reason) {
        return new FreezeWindow(from, to, null, null, null, reason);
    }

    public static FreezeWindow recurring(String cron, Duration duration, ZoneId zone, String reason) {
        return new FreezeWindow(null, null, cron, duration, zone, reason);
    }

    public boolean isRecurring() {
        return cron != null;
    }

    /** The occurrence in force at {@code at}, if any; an occurrence includes its start and excludes its end. */
    public Optional<Occurrence> activeAt(Instant at) {
        if (!isRecurring()) {
            return !at.isBefore(from) && at.isBefore(to) ? Optional.of(new Occurrence(from, to)) : Optional.empty();
        }
        return latestStartAtOrBefore(at)
                .map(start -> new Occurrence(start, start.plus(duration)))
                .filter(occurrence -> at.isBefore(occurrence.to()));
    }

    /**
     * The latest start at or before {@code at}: every occurrence lasts as long, so if any covers {@code at}, this one
     * does. Starts fall on whole minutes, and cron-utils' last execution is strictly before the time it is given.
     */
    private Optional<Instant> latestStartAtOrBefore(Instant at) {
        ExecutionTime schedule = ExecutionTime.forCron(parse(cron));
        ZonedDateTime minute = at.atZone(zone).truncatedTo(ChronoUnit.MINUTES);
        if (schedule.isMatch(minute)) {
            return Optional.of(minute.toInstant());
        }
        return schedule.lastExecution(minute).map(ZonedDateTime::toInstant);
    }

    /**
     * The parsed 5-field unix cron expression ({@code minute hour day-of-month month day-of-week}, names such as
     * {@code FRI} allowed).
     *
     * @throws IllegalArgumentException saying what is wrong with it, or that it never fires
     */
    public static Cron schedule(String cron) {
        Cron parsed = parse(cron);
        if (ExecutionTime.forCron(parsed).nextExecution(ZonedDateTime.now(ZoneOffset.UTC)).isEmpty()) {
            throw new IllegalArgumentException("'" + cron + "' never fires");
        }
        return parsed;
    }

    private static Cron parse(String cron) {
        Objects.requireNonNull(cron, "cron");
        try {
            return UNIX_CRON.parse(cron.trim()).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be a 5-field unix cron expression (minute hour day-of-month month"
                    + " day-of-week, e.g. '0 18 * * FRI'): " + e.getMessage(), e);
        }
    }

    /** One occurrence of the window: when it began and when it ends. */
    public record Occurrence(Instant from, Instant to) {
    }
}
