package dev.lifeguard.rollback;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FreezeWindowTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void aFixedWindowIncludesItsStartAndExcludesItsEnd() {
        Instant from = Instant.parse("2026-12-24T00:00:00Z");
        Instant to = Instant.parse("2026-12-27T00:00:00Z");
        FreezeWindow window = FreezeWindow.fixed(from, to, "holidays");
        FreezeWindow.Occurrence occurrence = new FreezeWindow.Occurrence(from, to);

        assertThat(window.activeAt(from.minusNanos(1))).isEmpty();
        assertThat(window.activeAt(from)).contains(occurrence);
        assertThat(window.activeAt(Instant.parse("2026-12-25T12:00:00Z"))).contains(occurrence);
        assertThat(window.activeAt(to.minusNanos(1))).contains(occurrence);
        assertThat(window.activeAt(to)).isEmpty();
    }

    @Test
    void aWeekendFreezeInParisRunsFromFridayEveningToMondayMorningParisTime() {
        // 2026-12-04 is a Friday; Paris is UTC+1 in December: 18:00 there is 17:00Z, Monday 08:00 is 07:00Z
        FreezeWindow weekend = FreezeWindow.recurring("0 18 * * FRI", Duration.ofHours(62), PARIS, "weekend");
        FreezeWindow.Occurrence occurrence = new FreezeWindow.Occurrence(Instant.parse("2026-12-04T17:00:00Z"),
                Instant.parse("2026-12-07T07:00:00Z"));

        assertThat(weekend.activeAt(Instant.parse("2026-12-04T16:59:59Z"))).isEmpty();
        assertThat(weekend.activeAt(Instant.parse("2026-12-04T17:00:00Z"))).as("at its start").contains(occurrence);
        assertThat(weekend.activeAt(Instant.parse("2026-12-05T23:59:59Z"))).as("saturday midnight").contains(occurrence);
        assertThat(weekend.activeAt(Instant.parse("2026-12-06T23:30:00Z")))
                .as("across the week boundary: monday 00:30 in Paris").contains(occurrence);
        assertThat(weekend.activeAt(Instant.parse("2026-12-07T06:59:59Z"))).contains(occurrence);
        assertThat(weekend.activeAt(Instant.parse("2026-12-07T07:00:00Z"))).as("at its end").isEmpty();
        assertThat(weekend.activeAt(Instant.parse("2026-12-09T12:00:00Z"))).as("wednesday").isEmpty();
        assertThat(weekend.activeAt(Instant.parse("2026-12-11T17:30:00Z"))).as("the next friday")
                .contains(new FreezeWindow.Occurrence(Instant.parse("2026-12-11T17:00:00Z"),
                        Instant.parse("2026-12-14T07:00:00Z")));
    }

    @Test
    void aDailyWindowRunsAcrossMidnight() {
        FreezeWindow nightly = FreezeWindow.recurring("30 23 * * *", Duration.ofMinutes(90), ZoneOffset.UTC, null);
        FreezeWindow.Occurrence occurrence = new FreezeWindow.Occurrence(Instant.parse("2026-12-03T23:30:00Z"),
                Instant.parse("2026-12-04T01:00:00Z"));

        assertThat(nightly.activeAt(Instant.parse("2026-12-03T23:29:59.999Z"))).isEmpty();
        assertThat(nightly.activeAt(Instant.parse("2026-12-03T23:45:00Z"))).contains(occurrence);
        assertThat(nightly.activeAt(Instant.parse("2026-12-04T00:59:59Z"))).as("the next day").contains(occurrence);
        assertThat(nightly.activeAt(Instant.parse("2026-12-04T01:00:00Z"))).isEmpty();
    }

    @Test
    void aWindowStartingOnSundayEveningRunsIntoMonday() {
        FreezeWindow window = FreezeWindow.recurring("0 22 * * SUN", Duration.ofHours(10), null, null);
        FreezeWindow.Occurrence occurrence = new FreezeWindow.Occurrence(Instant.parse("2026-12-06T22:00:00Z"),
                Instant.parse("2026-12-07T08:00:00Z"));

        assertThat(window.zone()).as("UTC unless told").isEqualTo(ZoneId.of("UTC"));
        assertThat(window.activeAt(Instant.parse("2026-12-06T21:59:00Z"))).isEmpty();
        assertThat(window.activeAt(Instant.parse("2026-12-07T03:00:00Z"))).contains(occurrence);
        assertThat(window.activeAt(Instant.parse("2026-12-07T08:00:00Z"))).isEmpty();
        assertThat(window.activeAt(Instant.parse("2026-12-05T23:00:00Z"))).as("saturday").isEmpty();
    }

    @Test
    void sundayIsZeroSevenOrSun() {
        Instant sundayEvening = Instant.parse("2026-12-06T22:30:00Z");
        for (String cron : new String[]{"0 22 * * 0", "0 22 * * 7", "0 22 * * sun"}) {
            assertThat(FreezeWindow.recurring(cron, Duration.ofHours(1), null, null).activeAt(sundayEvening))
                    .as(cron).isPresent();
        }
    }

    @Test
    void theZoneSaysWhoseWallClockTheCronReads() {
        // monday 2026-12-07 18:00Z: 18:00 in UTC, 13:00 in New York
        Instant mondayEvening = Instant.parse("2026-12-07T18:00:00Z");
        String officeHours = "0 9 * * MON-FRI";

        assertThat(FreezeWindow.recurring(officeHours, Duration.ofHours(8), ZoneOffset.UTC, null)
                .activeAt(mondayEvening)).isEmpty();
        assertThat(FreezeWindow.recurring(officeHours, Duration.ofHours(8), NEW_YORK, null).activeAt(mondayEvening))
                .contains(new FreezeWindow.Occurrence(Instant.parse("2026-12-07T14:00:00Z"),
                        Instant.parse("2026-12-07T22:00:00Z")));
    }

    @Test
    void anOccurrenceLastsItsDurationInElapsedTimeAcrossADaylightSavingChange() {
        // Paris moves from UTC+1 to UTC+2 at 02:00 on sunday 2026-03-29: 01:00 is 00:00Z, three hours later is 03:00Z
        FreezeWindow window = FreezeWindow.recurring("0 1 * * SUN", Duration.ofHours(3), PARIS, null);

        assertThat(window.activeAt(Instant.parse("2026-03-29T02:30:00Z")))
                .contains(new FreezeWindow.Occurrence(Instant.parse("2026-03-29T00:00:00Z"),
                        Instant.parse("2026-03-29T03:00:00Z")));
        assertThat(window.activeAt(Instant.parse("2026-03-29T03:00:00Z"))).isEmpty();
    }

    @Test
    void aWindowLongerThanItsPeriodIsAlwaysActiveInTheLatestOccurrence() {
        FreezeWindow window = FreezeWindow.recurring("0 * * * *", Duration.ofMinutes(90), ZoneOffset.UTC, null);

        assertThat(window.activeAt(Instant.parse("2026-12-07T10:20:00Z")).map(FreezeWindow.Occurrence::from))
                .isEqualTo(Optional.of(Instant.parse("2026-12-07T10:00:00Z")));
    }

    @Test
    void malformedWindowsAreRefused() {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        assertThatThrownBy(() -> FreezeWindow.fixed(now, now, null)).hasMessageContaining("to must be after from");
        assertThatThrownBy(() -> FreezeWindow.recurring("0 18 * * FRI", Duration.ZERO, null, null))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> FreezeWindow.recurring("0 0 18 * * FRI", Duration.ofHours(1), null, null))
                .as("six fields (seconds)").hasMessageContaining("5-field unix cron");
        assertThatThrownBy(() -> FreezeWindow.recurring("0 25 * * *", Duration.ofHours(1), null, null))
                .hasMessageContaining("5-field unix cron");
        assertThatThrownBy(() -> FreezeWindow.recurring("0 0 30 2 *", Duration.ofHours(1), null, null))
                .hasMessageContaining("never fires");
        assertThatThrownBy(() -> new FreezeWindow(now, now.plusSeconds(60), "0 18 * * FRI", Duration.ofHours(1), null,
                null)).hasMessageContaining("either from+to or cron+duration");
    }
}
