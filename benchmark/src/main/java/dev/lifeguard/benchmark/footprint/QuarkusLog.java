package dev.lifeguard.benchmark.footprint;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service's log says about its start. The launcher appends a {@code ----- started <time>: <command>} line
 * before each start of an instance; Quarkus then logs {@code <timestamp> INFO [io.quarkus] (main) … started in
 * 3.403s. Listening on: http://…} once its HTTP server listens. Only a line after the last marker belongs to the
 * start being measured.
 */
final class QuarkusLog {

    static final String START_MARKER = "----- started ";
    /** Quarkus' default console format: {@code %d{yyyy-MM-dd HH:mm:ss,SSS}}, in the machine's time zone. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    private static final Pattern STARTED = Pattern.compile("\\bstarted in (\\d+(?:\\.\\d+)?)s\\. Listening on:");
    private static final Pattern LEADING_TIMESTAMP = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3})\\s");
    /** Colours, should a format ever add them: they would hide the timestamp at the start of the line. */
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[[0-9;]*m");

    /**
     * Quarkus' "started in" line.
     *
     * @param loggedAt        the line's own timestamp; empty when the format has none at the start of the line
     * @param reportedSeconds the start-up time Quarkus reports itself (counted from its own start, not the process's)
     */
    record Started(Optional<LocalDateTime> loggedAt, double reportedSeconds) {

        Optional<Instant> loggedAt(ZoneId zone) {
            return loggedAt.map(time -> time.atZone(zone).toInstant());
        }
    }

    private QuarkusLog() {
    }

    /** The "started in" line of the last start in these lines: after the last marker, or anywhere when none. */
    static Optional<Started> startedAfterLastMarker(List<String> lines) {
        Scanner scanner = new Scanner();
        lines.forEach(scanner::accept);
        return scanner.started();
    }

    /** The line as Quarkus' "started in" line, if it is one. */
    static Optional<Started> started(String line) {
        String plain = ANSI_ESCAPE.matcher(line).replaceAll("");
        Matcher started = STARTED.matcher(plain);
        if (!started.find()) {
            return Optional.empty();
        }
        Optional<LocalDateTime> loggedAt = Optional.empty();
        Matcher timestamp = LEADING_TIMESTAMP.matcher(plain);
        if (timestamp.find()) {
            try {
                loggedAt = Optional.of(LocalDateTime.parse(timestamp.group(1), TIMESTAMP));
            } catch (DateTimeParseException e) {
                // e.g. 2026-13-45: treated as a line without a timestamp
            }
        }
        return Optional.of(new Started(loggedAt, Double.parseDouble(started.group(1))));
    }

    /** Fed the log line by line as it grows; a start marker forgets what came before it. */
    static final class Scanner {

        private Started started;

        void accept(String line) {
            if (line.startsWith(START_MARKER)) {
                started = null;
            } else if (started == null) {
                QuarkusLog.started(line).ifPresent(found -> started = found);
            }
        }

        Optional<Started> started() {
            return Optional.ofNullable(started);
        }
    }
}
