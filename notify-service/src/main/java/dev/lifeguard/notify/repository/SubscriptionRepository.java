package dev.lifeguard.notify.repository;

import dev.lifeguard.notify.Subscription;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class SubscriptionRepository implements PanacheRepositoryBase<Subscription, String> {

    /** Subscriptions that name the service or all services, oldest first. */
    public List<Subscription> covering(String service) {
        return list("?1 member of services or ?2 member of services order by createdAt, id",
                service, Subscription.ALL_SERVICES);
    }

    public List<Subscription> forTeam(String team) {
        return team == null ? list("order by createdAt, id") : list("team = ?1 order by createdAt, id", team);
    }
}
