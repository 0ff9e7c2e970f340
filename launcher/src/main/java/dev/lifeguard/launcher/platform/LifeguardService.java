package dev.lifeguard.launcher.platform;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The five services the platform runs, each a packaged Quarkus app in its own module. */
public enum LifeguardService {

    DEPLOY("deploy-service", 8081, "lifeguard_deploy"),
    MONITOR("monitor-service", 8082, "lifeguard_monitor"),
    ROLLBACK("rollback-service", 8083, "lifeguard_rollback"),
    NOTIFY("notify-service", 8084, "lifeguard_notify"),
    POSTMORTEM("postmortem-service", 8085, "lifeguard_postmortem");

    private final String moduleName;
    private final int defaultPort;
    private final String database;

    LifeguardService(String moduleName, int defaultPort, String database) {
        this.moduleName = moduleName;
        this.defaultPort = defaultPort;
        this.database = database;
    }

    /** The Maven module directory and the component name shown everywhere (logs, pid files, status). */
    public String moduleName() {
        return moduleName;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public String database() {
        return database;
    }

    /** The environment variable that overrides the HTTP port, e.g. {@code LIFEGUARD_DEPLOY_PORT}. */
    public String portVariable() {
        return "LIFEGUARD_" + name() + "_PORT";
    }

    /** Settings a service needs only when run locally by the launcher. */
    public Map<String, String> localEnvironment() {
        // the demo's receivers listen on 127.0.0.1 (the team's chat webhook, the rollback webhook), which notify-service
        // and deploy-service refuse by default
        return switch (this) {
            case NOTIFY -> Map.of("LIFEGUARD_NOTIFY_ALLOW_PRIVATE_NETWORK", "true");
            case DEPLOY -> Map.of("LIFEGUARD_DEPLOY_ALLOW_PRIVATE_NETWORK", "true");
            default -> Map.of();
        };
    }

    /** Accepts {@code deploy-service}, {@code deploy} or {@code DEPLOY}. */
    public static Optional<LifeguardService> byName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(service -> service.moduleName.equals(wanted) || service.name().toLowerCase(Locale.ROOT).equals(wanted))
                .findFirst();
    }
}
