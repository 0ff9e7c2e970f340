package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.Deployment;

import java.util.List;

/**
 * What runs in one environment. {@code stableVersion} is the newest STABLE version ({@code stableVerified}); when
 * there is none, the newest one replaced without ever being flagged ({@code stableVerified} false). {@code status}
 * is ROLLED_BACK when the last change to the environment was a rollback, DEPLOYED otherwise.
 */
public record EnvironmentState(String service, String environment, Deployment current, String stableVersion,
                               boolean stableVerified, String status, List<Deployment> history) {
}
