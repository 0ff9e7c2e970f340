package dev.lifeguard.benchmark.footprint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class LogFollowerTest {

    @TempDir
    Path directory;

    @Test
    void onlyCompleteLinesWrittenAfterTheStartAreRead() throws Exception {
        Path log = directory.resolve("deploy-service.log");
        Files.writeString(log, "an earlier start\n");
        LogFollower follower = LogFollower.fromEnd(log);

        assertThat(follower.newLines()).isEmpty();
        append(log, "----- started now\nhalf a li");
        assertThat(follower.newLines()).containsExactly("----- started now");
        append(log, "ne\r\nnext\n");
        assertThat(follower.newLines()).containsExactly("half a line", "next");
        assertThat(follower.newLines()).isEmpty();
    }

    @Test
    void aMissingLogIsReadOnceItExistsAndATruncatedOneFromItsStart() throws Exception {
        Path log = directory.resolve("monitor-service.log");
        LogFollower follower = LogFollower.fromEnd(log);
        assertThat(follower.newLines()).isEmpty();

        Files.writeString(log, "first line of a long log\n");
        assertThat(follower.newLines()).containsExactly("first line of a long log");
        Files.writeString(log, "wiped\n");
        assertThat(follower.newLines()).containsExactly("wiped");
    }

    private static void append(Path log, String text) throws Exception {
        Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
