package dev.lifeguard.monitor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "lifeguard.monitor")
public interface MonitorConfig {

    /** CloudEvents/CDEvents {@code source} of the events this service emits. */
    @WithDefault("/lifeguard/monitor-service")
    String eventSource();

    /** Topic the anomalies ({@code incident.detected}) go to. */
    String anomaliesTopic();

    /** How long after its deployment time a deployment's samples are judged. */
    @WithDefault("30m")
    Duration verificationWindow();

    /** Name ({@code @Identifier}) of the {@code Detector} that judges the samples. */
    @WithDefault("consecutive-threshold")
    String detector();

    /** The rule the threshold detector applies. */
    Rule rule();

    interface Rule {

        @WithDefault("error_rate")
        String metric();

        /** A sample is bad when its value is strictly above this. */
        @WithDefault("0.05")
        double threshold();

        /** How many bad samples in a row make an anomaly. */
        @WithDefault("3")
        int consecutiveSamples();
    }
}
