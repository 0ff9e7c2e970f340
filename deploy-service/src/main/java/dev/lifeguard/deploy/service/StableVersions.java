package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.DeploymentStatus;

import java.util.List;
import java.util.Optional;

/**
 * Picks the version a rollback goes back to: the newest STABLE deployment (verified: its analysis passed, or it baked
 * without an anomaly); when there is none, the newest deployment that was replaced without ever being flagged
 * (unverified). Flagged, failed, rolled-back and late-reported deployments are never picked.
 */
public final class StableVersions {

    public record Choice(Deployment deployment, boolean verified) {
        public String version() {
            return deployment.version;
        }
    }

    private StableVersions() {
    }

    /**
     * @param newestFirst the target's history, newest deployment first
     * @param excludedVersion a version that cannot be the answer (the one being rolled back), or null
     */
    public static Optional<Choice> choose(List<Deployment> newestFirst, String excludedVersion) {
        Optional<Choice> verified = newestFirst.stream()
                .filter(candidate -> candidate.status == DeploymentStatus.STABLE && candidate.isRollbackTarget())
                .filter(candidate -> !candidate.version.equals(excludedVersion))
                .findFirst()
                .map(candidate -> new Choice(candidate, true));
        if (verified.isPresent()) {
            return verified;
        }
        return newestFirst.stream()
                .filter(candidate -> candidate.status == DeploymentStatus.SUPERSEDED && candidate.isRollbackTarget())
                .filter(candidate -> !candidate.version.equals(excludedVersion))
                .findFirst()
                .map(candidate -> new Choice(candidate, false));
    }

    /** The newest rollback target of exactly {@code version}, if that version may be gone back to. */
    public static Optional<Deployment> ofVersion(List<Deployment> newestFirst, String version) {
        return newestFirst.stream()
                .filter(candidate -> candidate.version.equals(version) && candidate.isRollbackTarget())
                .findFirst();
    }
}
