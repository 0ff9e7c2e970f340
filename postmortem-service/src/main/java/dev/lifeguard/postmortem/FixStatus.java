package dev.lifeguard.postmortem;

import java.util.Locale;

/** How far a fix got; {@link #label()} is how the API and the post-mortem spell it. */
public enum FixStatus {
    /** Linked to the incident, no traffic yet (gated, or not started). */
    LINKED,
    /** It took traffic: a canary step, or all of it. */
    DEPLOYED,
    /** Its rollout was promoted, or its analysis at full traffic passed. */
    VERIFIED,
    /** Its rollout was aborted, or its analysis failed. */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
