package dev.lifeguard.deploy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * One test suite run CI reported ({@code testsuiterun.finished}) or a REST deployment named: evidence for the
 * redeploy gate of the deployment with the same chain, artifact, or service and version.
 */
@Entity
@Table(name = "test_evidence")
public class TestEvidence extends PanacheEntityBase {

    public static final String PASS = "pass";
    public static final String TESTSUITERUN = "testsuiterun.finished";
    public static final String REST = "rest";

    @Id
    @Column(length = 300)
    public String id;

    @Column(name = "chain_id", length = 200)
    public String chainId;

    @Column(name = "artifact_id", length = 1000)
    public String artifactId;

    @Column(length = 100)
    public String service;

    @Column(length = 200)
    public String version;

    @Column(nullable = false, length = 200)
    public String suite;

    /** pass, fail, error or cancel, as CDEvents says. */
    @Column(nullable = false, length = 20)
    public String outcome;

    public Integer passed;

    public Integer failed;

    /** testsuiterun.finished or rest. */
    @Column(nullable = false, length = 40)
    public String source;

    @Column(name = "event_time", nullable = false)
    public OffsetDateTime eventTime;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt;

    public boolean passedRun() {
        return PASS.equals(outcome);
    }
}
