package dev.lifeguard.postmortem.report;

import dev.lifeguard.postmortem.Incident;
import dev.lifeguard.postmortem.IncidentStatus;
import dev.lifeguard.postmortem.TimelineEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything in a post-mortem that came from events (CI's change URL, versions, reasons, executors, teams, timeline
 * summaries) is text: it cannot make links, HTML, code spans, headings or table cells.
 */
class PostmortemHostileTextTest {

    private static final String HOSTILE = "[x](javascript:alert(1)) <script>alert(1)</script> `rm -rf` *b* _i_"
            + " a|b &#60;img&#62;\n# injected heading\n- injected item";

    @Test
    void textFromEventsIsEscapedEverywhere() {
        String markdown = PostmortemRenderer.render(incident(HOSTILE, "javascript:alert(1)"), List.of(
                entry("2026-11-26T10:00:00Z", "deployment", HOSTILE)));

        String withoutCheckboxes = markdown.replaceAll("(?m)^- \\[[ x]\\] ", "- ");
        assertThat(unescaped(withoutCheckboxes, "[")).as("no link can start").isZero();
        assertThat(unescaped(markdown, "<")).as("no HTML, no autolink").isZero();
        assertThat(unescaped(markdown, "&#")).as("no character reference").isZero();
        assertThat(unescaped(markdown, "](")).as("no link can end").isZero();
        assertThat(markdown).contains("\\[x\\](javascript:alert(1))")
                .contains("\\<script>alert(1)\\</script>").contains("\\`rm -rf\\`").contains("\\*b\\*")
                .contains("\\_i\\_").contains("a\\|b").contains("\\&#60;img\\&#62;");
        // a line break in event text neither ends the list item nor starts a heading or an item
        assertThat(Arrays.stream(markdown.split("\n")))
                .noneMatch(line -> line.startsWith("# injected") || line.startsWith("- injected"));
        // each timeline row keeps its three cells
        markdown.lines().filter(line -> line.startsWith("| 2026")).forEach(row ->
                assertThat(unescaped(row, "|")).as(row).isEqualTo(4));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "https://git.example.com/c/e4f5a6b; <https://git.example.com/c/e4f5a6b>",
            "HTTP://git.example.com/c/1; <HTTP://git.example.com/c/1>",
            "javascript:alert(1); javascript:alert(1)",
            "data:text/html,<script>x</script>; data:text/html,\\<script>x\\</script>",
            "https://evil.example/a b; https://evil.example/a b",
            "https://evil.example/<x>; https://evil.example/\\<x>",
            "[click](https://evil.example); \\[click\\](https://evil.example)"})
    void aChangeUrlIsALinkOnlyWhenItIsHttp(String changeUrl, String shown) {
        String markdown = PostmortemRenderer.render(incident("2.0.0", changeUrl), List.of());

        assertThat(markdown).contains("\n- Change: " + shown + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"d`0002", "d-0002\n# h", "d|0002"})
    void anIdThatCouldLeaveItsCodeSpanIsShownAsText(String deploymentId) {
        Incident incident = incident("2.0.0", null);
        incident.deploymentId = deploymentId;

        String line = PostmortemRenderer.render(incident, List.of()).lines()
                .filter(candidate -> candidate.startsWith("- Deployment: ")).findFirst().orElseThrow();

        assertThat(line).doesNotStartWith("- Deployment: `").isEqualTo("- Deployment: " + PostmortemRenderer.t(deploymentId));
    }

    @Test
    void plainTextStaysReadable() {
        assertThat(PostmortemRenderer.t("error_rate > 0.05 for 3 samples: p99 & p50 (1.0.0-rc.1 #42)"))
                .isEqualTo("error_rate > 0.05 for 3 samples: p99 & p50 (1.0.0-rc.1 #42)");
    }

    /** How often {@code token} occurs without a backslash before it. */
    private static long unescaped(String text, String token) {
        return Pattern.compile("(?<!\\\\)" + Pattern.quote(token)).matcher(text).results().count();
    }

    private static Incident incident(String text, String changeUrl) {
        Incident incident = new Incident();
        incident.id = "inc-1";
        incident.chainId = "chain-1";
        incident.service = "checkout";
        incident.environment = "production";
        incident.status = IncidentStatus.RESOLVED;
        incident.triggerVersion = text;
        incident.previousVersion = text;
        incident.openedAt = OffsetDateTime.parse("2026-11-26T10:01:21Z");
        incident.deploymentEventId = "ev-deploy";
        incident.deploymentId = "d-0002";
        incident.commit = "e4f5a6b";
        incident.changeUrl = changeUrl;
        incident.team = text;
        incident.detectionRule = text;
        incident.detectionMetric = text;
        incident.observedValues = text;
        incident.rollbackId = "rollback-0004";
        incident.restoredVersion = text;
        incident.resolutionReason = text;
        incident.rollbackExecutor = text;
        incident.resolvedAt = OffsetDateTime.parse("2026-11-26T10:01:23Z");
        return incident;
    }

    private static TimelineEntry entry(String time, String type, String summary) {
        TimelineEntry entry = new TimelineEntry();
        entry.time = OffsetDateTime.parse(time);
        entry.type = type;
        entry.summary = summary;
        return entry;
    }
}
