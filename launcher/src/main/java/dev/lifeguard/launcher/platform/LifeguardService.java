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

    /**
     * The CI webhook source {@code ./lifeguard deploy} signs as against the local platform. Its secret is written
     * here, so it protects nothing: only a platform started by {@code ./lifeguard up} accepts it.
     */
    public static final String LOCAL_CI_SOURCE = "local";
    public static final String LOCAL_CI_SECRET = "lifeguard-local-ci-secret";
    /** How deploy-service learns a CI source's secret (source {@code local}). */
    static final String LOCAL_CI_SECRET_VARIABLE = "LIFEGUARD_DEPLOY_CI_WEBHOOK_SOURCES_LOCAL_SECRET";

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
        return switch (this) {
            // the demo's webhook receiver listens on 127.0.0.1, which notify-service refuses by default
            case NOTIFY -> Map.of("LIFEGUARD_NOTIFY_ALLOW_PRIVATE_NETWORK", "true");
            // ./lifeguard deploy signs its CI events as source "local"; the demo's rollback webhook listens on
            // 127.0.0.1, which deploy-service refuses by default
            case DEPLOY -> Map.of(LOCAL_CI_SECRET_VARIABLE, LOCAL_CI_SECRET, "LIFEGUARD_DEPLOY_ALLOW_PRIVATE_NETWORK", "true");
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
