package dev.lifeguard.monitor;

import dev.lifeguard.monitor.repository.DoubleListConverter;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;

/** A deployment's analysis failed; the fields are the evidence (read model of the engine's incident.detected). */
@Entity
@Table(name = "anomaly")
public class Anomaly extends PanacheEntityBase {

    @Id
    @Column(length = 64)
    public String id;

    /** At most one anomaly per analysis: a deployment restored by a rollback may fail its analysis after it too. */
    @Column(name = "deployment_id", nullable = false, length = 200)
    public String deploymentId;

    /** The failing analysis: the deployment id, {@code <id>@<rollbackId>} or {@code <id>#<stepIndex>}. */
    @Column(name = "analysis_id", length = 400)
    public String analysisId;

    /** Set when the failing analysis was a rollout step's: the step's index. */
    @Column(name = "rollout_step")
    public Integer rolloutStep;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(nullable = false, length = 200)
    public String version;

    @Column(name = "chain_id", nullable = false, length = 200)
    public String chainId;

    /** The incident.detected event that announced it. */
    @Column(name = "event_id", nullable = false, length = 64)
    public String eventId;

    @Column(nullable = false, length = 2000)
    public String description;

    @Column(nullable = false, length = 500)
    public String rule;

    @Column(nullable = false, length = 200)
    public String metric;

    @Column(nullable = false)
    public double threshold;

    /** The detector that judged it (threshold, canary, cusum); null for anomalies older than the streaming engine. */
    @Column(length = 50)
    public String detector;

    /** The detector's statistic when it decided (the last value, a p-value, a CUSUM sum). */
    @Column
    public Double statistic;

    @Column(name = "consecutive_samples")
    public Integer consecutiveSamples;

    /** Oldest first. */
    @Convert(converter = DoubleListConverter.class)
    @Column(name = "observed_values", nullable = false, columnDefinition = "text")
    public List<Double> observedValues;

    @Column(name = "first_sample_at", nullable = false)
    public OffsetDateTime firstSampleAt;

    @Column(name = "last_sample_at", nullable = false)
    public OffsetDateTime lastSampleAt;

    @Column(name = "detected_at", nullable = false)
    public OffsetDateTime detectedAt;
}
