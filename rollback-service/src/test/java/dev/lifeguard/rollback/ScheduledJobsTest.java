package dev.lifeguard.rollback;

import dev.lifeguard.testsupport.ScheduledJobsContract;

/** rollback-service's scheduled jobs skip their runs while it starts or shuts down. */
class ScheduledJobsTest extends ScheduledJobsContract {
}
