package dev.lifeguard.monitor.repository;

import dev.lifeguard.monitor.MetricSample;
import dev.lifeguard.monitor.WatchedDeployment;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class MetricSampleRepository implements PanacheRepositoryBase<MetricSample, Long> {

    /** Stores the sample unless one with the same identity is stored already; false when it was a repeat. */
    public boolean insertIfAbsent(MetricSample sample) {
        return getEntityManager().createNativeQuery("""
                        INSERT INTO metric_sample (service, environment, version, metric, value, sampled_at, received_at,
                                                   source, sample_id)
                        VALUES (:service, :environment, :version, :metric, :value, :sampledAt, :receivedAt, :source,
                                :sampleId)
                        ON CONFLICT ON CONSTRAINT metric_sample_identity DO NOTHING""")
                .setParameter("service", sample.service)
                .setParameter("environment", sample.environment)
                .setParameter("version", sample.version)
                .setParameter("metric", sample.metric)
                .setParameter("value", sample.value)
                .setParameter("sampledAt", sample.sampledAt)
                .setParameter("receivedAt", sample.receivedAt)
                .setParameter("source", sample.source)
                .setParameter("sampleId", sample.sampleId)
                .executeUpdate() == 1;
    }

    /** The deployment's samples of one metric inside its verification window, oldest first. */
    public List<MetricSample> inWindow(WatchedDeployment deployment, String metric) {
        return list("service = ?1 and environment = ?2 and version = ?3 and metric = ?4"
                        + " and sampledAt >= ?5 and sampledAt <= ?6 order by sampledAt, id",
                deployment.service, deployment.environment, deployment.version, metric,
                deployment.windowStart, deployment.windowEnd);
    }

    /** How many samples (any metric) of the deployment's version fall inside its window. */
    public long countInWindow(WatchedDeployment deployment) {
        return count("service = ?1 and environment = ?2 and version = ?3 and sampledAt >= ?4 and sampledAt <= ?5",
                deployment.service, deployment.environment, deployment.version,
                deployment.windowStart, deployment.windowEnd);
    }
}
