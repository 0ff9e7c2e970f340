package dev.lifeguard.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/** A target's analysis spec as an operator set it, normalised; the engine learns it from the specs topic. */
@Entity
@Table(name = "analysis_spec")
public class AnalysisSpec extends PanacheEntityBase {

    @EmbeddedId
    public Target target;

    @Column(nullable = false, columnDefinition = "text")
    public String body;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** The team that owns it (its members and admins see and manage it); null: the platform's. */
    @Column(length = 63)
    public String team;

    @Embeddable
    public static class Target implements Serializable {

        @Column(nullable = false, length = 100)
        public String service;

        @Column(nullable = false, length = 100)
        public String environment;

        public Target() {
        }

        public Target(String service, String environment) {
            this.service = service;
            this.environment = environment;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Target target && target.service.equals(service)
                    && target.environment.equals(environment);
        }

        @Override
        public int hashCode() {
            return Objects.hash(service, environment);
        }
    }
}
