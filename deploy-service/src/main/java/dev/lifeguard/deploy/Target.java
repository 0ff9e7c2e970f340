package dev.lifeguard.deploy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;

/** How one service/environment is rolled back: the executor's name and its settings (JSON). */
@Entity
@Table(name = "target")
public class Target extends PanacheEntityBase {

    @EmbeddedId
    public Key key;

    @Column(nullable = false, length = 100)
    public String executor;

    /** The owning team (its operators manage the target), null: the platform's, managed by admins. */
    @Column(length = 100)
    public String team;

    /**
     * The executor's validated settings as JSON. Its secret settings are stored sealed ({@code sealed:v1:...}, see
     * TargetService) and never shown back.
     */
    @Column(nullable = false, columnDefinition = "TEXT")
    public String settings;

    /** Default strategy of its deployments (normalised JSON), null: all-at-once. */
    @Column(columnDefinition = "TEXT")
    public String strategy;

    /** Strategy of a redeploy after a rollback (normalised JSON), null: lifeguard.deploy.redeploy-strategy. */
    @Column(name = "redeploy_strategy", columnDefinition = "TEXT")
    public String redeployStrategy;

    /** The redeploy gate: {@code {"enabled":true,"requiredSuites":[...]}}, null: enabled, no required suites. */
    @Column(columnDefinition = "TEXT")
    public String gate;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Embeddable
    public record Key(@Column(nullable = false, length = 100) String service,
                      @Column(nullable = false, length = 100) String environment) implements Serializable {
    }
}
