package dev.lifeguard.rollback;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A stored decision policy: environment-wide ({@link #service} empty) or a service's override in one environment.
 * {@link #body} holds the fields it sets, as JSON (see {@link PolicySettings}); {@link #version} counts its PUTs.
 * A deleted policy stays as a tombstone ({@link #deletedAt}) so a later PUT goes on counting from its version.
 */
@Entity
@Table(name = "decision_policy")
@IdClass(DecisionPolicy.Scope.class)
public class DecisionPolicy extends PanacheEntityBase {

    /** The {@link #service} of an environment-wide policy. */
    public static final String ENVIRONMENT_WIDE = "";

    @Id
    @Column(nullable = false, length = 100)
    public String environment;

    @Id
    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, columnDefinition = "text")
    public String body;

    @Column(nullable = false)
    public int version;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "updated_by", nullable = false, length = 200)
    public String updatedBy;

    /** The team that owns it (its members and admins see and manage it); null: the platform's. */
    @Column(length = 63)
    public String team;

    /** When it was deleted; null while it applies. */
    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;

    public boolean environmentWide() {
        return ENVIRONMENT_WIDE.equals(service);
    }

    public boolean deleted() {
        return deletedAt != null;
    }

    /** The service it overrides the environment's policy for; null for an environment-wide one. */
    public String serviceOrNull() {
        return environmentWide() ? null : service;
    }

    public EffectivePolicy.Source source() {
        return new EffectivePolicy.Source(environment, serviceOrNull(), version);
    }

    /** The primary key: (environment, service), service empty for the environment-wide policy. */
    public static class Scope implements Serializable {

        public String environment;
        public String service;

        public Scope() {
        }

        public Scope(String environment, String service) {
            this.environment = environment;
            this.service = service == null ? ENVIRONMENT_WIDE : service;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Scope scope && Objects.equals(environment, scope.environment)
                    && Objects.equals(service, scope.service);
        }

        @Override
        public int hashCode() {
            return Objects.hash(environment, service);
        }

        @Override
        public String toString() {
            return ENVIRONMENT_WIDE.equals(service) ? environment : service + "/" + environment;
        }
    }
}
