package dev.lifeguard.launcher;

import dev.lifeguard.launcher.platform.ComponentStatus;
import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.launcher.platform.ServiceInstance;

import java.util.Collection;
import java.util.List;

/** Texts the CLI prints: the status table and the list of URLs. */
final class Console {

    private Console() {
    }

    static String statusTable(List<ComponentStatus> rows) {
        StringBuilder table = new StringBuilder(String.format("%-20s %-8s %-6s %s%n", "COMPONENT", "PID", "PORT", "STATE"));
        for (ComponentStatus row : rows) {
            String pid = row.pid().isPresent() ? Long.toString(row.pid().getAsLong()) : "-";
            table.append(String.format("%-20s %-8s %-6d %s%n", row.component(), pid, row.port(), row.state().label()));
        }
        return table.toString();
    }

    /** Kafka, PostgreSQL, then REST, Swagger UI, health and metrics of every instance. */
    static String urls(PlatformSettings settings, Collection<ServiceInstance> instances) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("  %-20s %s%n", "Kafka", settings.kafkaBootstrapServers()));
        text.append(String.format("  %-20s jdbc:postgresql://localhost:%d/<lifeguard_deploy|…> (user %s, password %s)%n",
                "PostgreSQL", settings.postgresPort(), PlatformSettings.DATABASE_USER, PlatformSettings.DATABASE_PASSWORD));
        for (ServiceInstance instance : instances) {
            String base = instance.url();
            text.append(String.format("  %-20s %s/api/v1   %s/q/swagger-ui   %s/q/health   %s/q/metrics%n",
                    instance.componentName(), base, base, base, base));
        }
        return text.toString();
    }
}
