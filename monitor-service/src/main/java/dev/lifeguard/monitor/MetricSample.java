package dev.lifeguard.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** One measurement of one metric of one version of a service in an environment. */
@Entity
@Table(name = "metric_sample")
public class MetricSample extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(nullable = false, length = 200)
    public String version;

    @Column(nullable = false, length = 200)
    public String metric;

    @Column(nullable = false)
    public double value;

    /** When it was measured: the sample's timestamp, or its arrival time when it had none. */
    @Column(name = "sampled_at", nullable = false)
    public OffsetDateTime sampledAt;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt;

    /** The instance or scraper that measured it, when the sample said. */
    @Column(length = 200)
    public String source;

    /** What the sample is (see {@code SampleIdentity}): a re-sent sample has the same id and is stored once. */
    @Column(name = "sample_id", nullable = false, length = 64)
    public String sampleId;
}
