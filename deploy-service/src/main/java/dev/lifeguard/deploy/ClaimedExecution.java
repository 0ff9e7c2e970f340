package dev.lifeguard.deploy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;

import java.time.OffsetDateTime;

/**
 * What every row an executor call is claimed for carries (a rollback, a rollout step): how many calls were made,
 * when the next is due, and until when an instance holds it; after a crash the claim lapses and another instance
 * takes it over.
 */
@MappedSuperclass
public abstract class ClaimedExecution extends PanacheEntityBase {

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at")
    public OffsetDateTime nextAttemptAt;

    /** An instance executing it holds it until then; after a crash another takes it over. */
    @Column(name = "claimed_until")
    public OffsetDateTime claimedUntil;
}
