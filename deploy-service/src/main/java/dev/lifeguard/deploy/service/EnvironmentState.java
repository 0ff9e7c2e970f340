package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.Deployment;

import java.util.List;

/**
 * What runs in one environment. {@code stableVersion} is the rollback target: the newest version deployed
 * before the current one that was neither rolled back nor failed. {@code status} is ROLLED_BACK when the
 * last change to the environment was a rollback, DEPLOYED otherwise.
 */
public record EnvironmentState(String service, String environment, Deployment current, String stableVersion,
                               String status, List<Deployment> history) {
}
