package dev.lifeguard.monitor.repository;

import dev.lifeguard.monitor.AnalysisSpec;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class AnalysisSpecRepository implements PanacheRepositoryBase<AnalysisSpec, AnalysisSpec.Target> {

    public List<AnalysisSpec> all() {
        return list("order by target.service, target.environment");
    }
}
