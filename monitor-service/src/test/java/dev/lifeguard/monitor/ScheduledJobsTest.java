package dev.lifeguard.monitor;

import dev.lifeguard.testsupport.ScheduledJobsContract;

/** monitor-service's scheduled jobs skip their runs while it starts or shuts down. */
class ScheduledJobsTest extends ScheduledJobsContract {
}
