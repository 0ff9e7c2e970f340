package dev.lifeguard.notify;

import dev.lifeguard.testsupport.ScheduledJobsContract;

/** notify-service's scheduled jobs skip their runs while it starts or shuts down. */
class ScheduledJobsTest extends ScheduledJobsContract {
}
