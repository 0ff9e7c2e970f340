package dev.lifeguard.notify;

import dev.lifeguard.testsupport.ScheduledJobs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every scheduled job of notify-service skips its runs while the application starts or shuts down (see ScheduledJobs). */
class ScheduledJobsTest {

    @Test
    void everyScheduledJobSkipsWhileTheApplicationIsNotRunning() {
        ScheduledJobs.Scan scan = ScheduledJobs.scan(Path.of("target/classes"));

        assertThat(scan.jobs()).isNotEmpty();
        assertThat(scan.runningWhileNotRunning()).isEmpty();
    }
}
