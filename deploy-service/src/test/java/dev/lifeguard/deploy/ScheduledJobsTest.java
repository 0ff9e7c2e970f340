package dev.lifeguard.deploy;

import dev.lifeguard.testsupport.ScheduledJobsContract;

/** deploy-service's scheduled jobs skip their runs while it starts or shuts down. */
class ScheduledJobsTest extends ScheduledJobsContract {
}
