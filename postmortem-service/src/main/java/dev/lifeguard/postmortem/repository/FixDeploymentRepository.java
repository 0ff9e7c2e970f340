package dev.lifeguard.postmortem.repository;

import dev.lifeguard.postmortem.FixDeployment;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class FixDeploymentRepository implements PanacheRepositoryBase<FixDeployment, String> {

    /** Deployments that name any of these ids as what they fix. */
    public List<FixDeployment> claiming(Collection<String> ids) {
        return list("select distinct d from FixDeployment d join d.claims claim where claim in ?1", ids);
    }

    /**
     * The first deployment of the target that arrived after {@code openedAt} and names nothing it fixes (one that
     * names its incidents is linked to those only), other than {@code excludedId} (the incident's own deployment).
     */
    public Optional<FixDeployment> firstUnclaimedAfter(String service, String environment, OffsetDateTime openedAt,
                                                       String excludedId) {
        return find("service = :service and environment = :environment and firstSeenAt > :openedAt"
                        + " and claims is empty and deploymentId <> :excluded order by firstSeenAt, deploymentId",
                Parameters.with("service", service).and("environment", environment).and("openedAt", openedAt)
                        .and("excluded", excludedId == null ? "" : excludedId))
                .firstResultOptional();
    }

    /**
     * Serialises the transactions that link fixes: an incident opening and a deployment arriving on another chain
     * must each see what the other wrote. Taken after the chain lock, always in that order.
     */
    public void lockFixes() {
        getEntityManager().createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock(hashtextextended('postmortem-fixes', 0))")
                .getSingleResult();
    }
}
