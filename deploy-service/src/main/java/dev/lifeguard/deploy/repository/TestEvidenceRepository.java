package dev.lifeguard.deploy.repository;

import dev.lifeguard.deploy.TestEvidence;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class TestEvidenceRepository implements PanacheRepositoryBase<TestEvidence, String> {

    /** Runs for the same chain, the same artifact, or the same service and version; oldest first. */
    public List<TestEvidence> matching(String chainId, String artifactId, String service, String version) {
        return list("chainId = ?1 or artifactId = ?2 or (service = ?3 and version = ?4) order by eventTime, receivedAt",
                chainId, artifactId, service, version);
    }
}
