package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.config.DeployConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;

/** Deployments no analysis decided become STABLE once they baked long enough without an anomaly. */
@ApplicationScoped
public class BakeTimer {

    private static final Logger LOG = Logger.getLogger(BakeTimer.class);

    private final DeploymentService deployments;
    private final DeployConfig config;

    public BakeTimer(DeploymentService deployments, DeployConfig config) {
        this.deployments = deployments;
        this.config = config;
    }

    @Scheduled(every = "${lifeguard.deploy.bake-check-interval:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void check() {
        try {
            OffsetDateTime cutoff = DeploymentService.now().minus(config.bakeTime());
            // Each under its target's lock and re-checked there, so two instances bake a deployment once.
            deployments.baked(cutoff).forEach(id -> deployments.bake(id, cutoff));
        } catch (RuntimeException e) {
            LOG.warnf("Bake check: %s (next check in %s)", e.toString(), config.bakeCheckInterval());
        }
    }
}
