package dev.lifeguard.monitor.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.ConfigMapping;

import java.time.Duration;

@ConfigMapping(prefix = "lifeguard.monitor")
public interface MonitorConfig {

    /** CloudEvents/CDEvents {@code source} of the events this service emits. */
    @WithDefault("/lifeguard/monitor-service")
    String eventSource();

    /** Topic the anomalies ({@code incident.detected}) go to. */
    String anomaliesTopic();

    /** Topic the verdicts ({@code lifeguard-analysis.finished}) go to. */
    String analysesTopic();

    /** Where samples arrive (and where pulled samples are put). */
    String metricsTopic();

    /** deploy-service's deployment lifecycle. */
    String deploymentsTopic();

    /** Compacted topic of spec changes, written through the outbox, read by every engine instance. */
    String specsTopic();

    /** The audit trail: each analysis that ends is an automatic action of the service. */
    @WithDefault("lifeguard.audit")
    String auditTopic();

    /** Internal: snapshots of analyses for the REST read model. */
    String progressTopic();

    /** The spec of targets that have none of their own. */
    @WithDefault("{\"window\":\"30m\",\"minSamples\":3,\"metrics\":[{\"metric\":\"error_rate\",\"provider\":\"stream\",\"detector\":\"threshold\",\"max\":0.05,\"failureLimit\":3}]}")
    String defaultSpec();

    /** How far a sample's timestamp may lie ahead of this clock, or before its deployment, and still be believed. */
    @WithDefault("2m")
    Duration clockSkew();

    /** How often windows are closed and progress is published (wall-clock punctuation). */
    @WithDefault("1s")
    Duration tick();

    /**
     * How often a running analysis's progress (its sample count, statistics) is published to the read model at most;
     * starts and ends are published at once. Bounds the read model's write rate with many analyses at once.
     */
    @WithDefault("5s")
    Duration progressInterval();

    /** Samples of a version no deployment announced yet, kept per target for when the deployment event is late. */
    @WithDefault("100")
    int earlySamplesPerTarget();

    /** How long such samples wait for their deployment. */
    @WithDefault("10m")
    Duration earlySamplesTtl();

    /** Raw values of the stable version kept per metric as the baseline of the next analysis. */
    @WithDefault("240")
    int baselineValues();
}
