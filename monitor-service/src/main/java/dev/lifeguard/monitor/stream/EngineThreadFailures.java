package dev.lifeguard.monitor.stream;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

/**
 * A stream thread that dies (a broker gone too long, a topic deleted under it) is replaced, not left dead: its
 * tasks restart from the last committed transaction, so nothing is lost or judged twice. Quarkus installs this
 * bean on the engine's KafkaStreams before it starts.
 */
@ApplicationScoped
public class EngineThreadFailures implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = Logger.getLogger(EngineThreadFailures.class);

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        LOG.errorf(exception, "Analysis engine thread failed; replacing it (it resumes from the last committed state)");
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
