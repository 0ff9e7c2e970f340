package dev.lifeguard.postmortem;

import dev.lifeguard.testsupport.ScheduledJobsContract;

/** postmortem-service's scheduled jobs skip their runs while it starts or shuts down. */
class ScheduledJobsTest extends ScheduledJobsContract {
}
