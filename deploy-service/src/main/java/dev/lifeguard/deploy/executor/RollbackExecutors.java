package dev.lifeguard.deploy.executor;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import java.lang.annotation.Annotation;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** The executors this build has, by the name targets choose them with (their {@code @Identifier}). */
@ApplicationScoped
public class RollbackExecutors {

    private final Instance<RollbackExecutor> executors;

    public RollbackExecutors(@Any Instance<RollbackExecutor> executors) {
        this.executors = executors;
    }

    public Optional<RollbackExecutor> named(String name) {
        if (name == null) {
            return Optional.empty();
        }
        Instance<RollbackExecutor> selected = executors.select(Identifier.Literal.of(name));
        return selected.isResolvable() ? Optional.of(selected.get()) : Optional.empty();
    }

    public SortedSet<String> names() {
        SortedSet<String> names = new TreeSet<>();
        executors.handles().forEach(handle -> {
            for (Annotation qualifier : handle.getBean().getQualifiers()) {
                if (qualifier instanceof Identifier identifier) {
                    names.add(identifier.value());
                }
            }
        });
        return names;
    }
}
