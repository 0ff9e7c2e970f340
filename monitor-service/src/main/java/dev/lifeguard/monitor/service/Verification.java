package dev.lifeguard.monitor.service;

import dev.lifeguard.monitor.Anomaly;
import dev.lifeguard.monitor.WatchedDeployment;

/** A deployment's verification: its window, how many samples fell in it, and its anomaly if one was raised. */
public record Verification(WatchedDeployment deployment, long samplesInWindow, Anomaly anomaly) {
}
