package dev.lifeguard.rollback.repository;

import dev.lifeguard.rollback.DecisionPolicy;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class DecisionPolicyRepository implements PanacheRepositoryBase<DecisionPolicy, DecisionPolicy.Scope> {

    /** The policy of the scope, deleted or not; {@code service} null for the environment-wide one. */
    public Optional<DecisionPolicy> findScope(String environment, String service) {
        return findByIdOptional(new DecisionPolicy.Scope(environment, service));
    }

    /** The policy of the scope unless it was deleted. */
    public Optional<DecisionPolicy> findLive(String environment, String service) {
        return findScope(environment, service).filter(policy -> !policy.deleted());
    }

    /** The policies that apply, by environment, each environment's own before its services'. */
    public List<DecisionPolicy> listLive(String environment) {
        return find("deletedAt is null and (:environment is null or environment = :environment)",
                Sort.ascending("environment", "service"), Parameters.with("environment", environment)).list();
    }

    /**
     * Serialises the changes of one scope across instances until the transaction ends, so two PUTs at once each
     * count a version and neither is lost, even when the scope has no row yet to lock.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockScope(String environment, String service) {
        getEntityManager()
                .createNativeQuery("SELECT true FROM pg_advisory_xact_lock(hashtextextended(:scope, 0))")
                .setParameter("scope", "decision-policy:" + environment + "/" + (service == null ? "" : service))
                .getSingleResult();
    }
}
