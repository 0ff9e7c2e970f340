package dev.lifeguard.notify;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * What deploy-service last reported about one rollback. Requests and outcomes travel on different topics, so a
 * request may be read after its outcome; this is how its notification knows it is late.
 */
@Entity
@Table(name = "rollback_outcome")
@IdClass(RollbackOutcome.Key.class)
public class RollbackOutcome extends PanacheEntityBase {

    @Id
    @Column(nullable = false, length = 100)
    public String service;

    @Id
    @Column(nullable = false, length = 100)
    public String environment;

    @Id
    @Column(name = "rollback_id", length = 200)
    public String rollbackId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    public Kind outcome;

    /** The event that reported it. */
    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    @Column(name = "from_version", columnDefinition = "text")
    public String fromVersion;

    @Column(name = "to_version", columnDefinition = "text")
    public String toVersion;

    @Column(name = "recorded_at", nullable = false)
    public OffsetDateTime recordedAt;

    /** A rollback id is only trusted to be unique within the target its events name. */
    public static class Key implements Serializable {

        public String service;
        public String environment;
        public String rollbackId;

        public Key() {
        }

        public Key(String service, String environment, String rollbackId) {
            this.service = service;
            this.environment = environment;
            this.rollbackId = rollbackId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(service, key.service)
                    && Objects.equals(environment, key.environment) && Objects.equals(rollbackId, key.rollbackId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(service, environment, rollbackId);
        }
    }

    public enum Kind {
        /** In someone else's hands (a person, or a CD tool that answered 202); not an end. */
        ACCEPTED,
        FAILED,
        SKIPPED,
        ROLLED_BACK;

        /** An end of the rollback: nothing is running any more. */
        public boolean isFinal() {
            return this != ACCEPTED;
        }
    }
}
