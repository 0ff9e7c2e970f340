package dev.lifeguard.launcher.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything that {@code ./lifeguard up} and the end-to-end test may vary: where the platform keeps its state,
 * which ports it uses and how long it waits. Immutable; the {@code with…} methods return changed copies.
 *
 * @param repositoryRoot       the checkout holding {@code <service>/target/quarkus-app/quarkus-run.jar}
 * @param home                 state of one running platform: {@code logs/}, {@code run/}, {@code kafka/}, {@code postgres/}
 * @param services             the services to start (all five by default)
 * @param allowMissingServices skip (with an error line) a service whose packaged app does not exist, instead of failing
 * @param javaOptions          JVM options for the service processes
 * @param serviceEnvironment   extra environment variables for every service process (after the launcher's own)
 */
public record PlatformSettings(Path repositoryRoot, Path home, int kafkaPort, int postgresPort,
                               Map<LifeguardService, Integer> servicePorts, Set<LifeguardService> services,
                               boolean allowMissingServices, Duration startTimeout, Duration stopTimeout,
                               List<String> javaOptions, Map<String, String> serviceEnvironment) {

    public static final String HOME_VARIABLE = "LIFEGUARD_HOME";
    public static final String KAFKA_PORT_VARIABLE = "LIFEGUARD_KAFKA_PORT";
    public static final String POSTGRES_PORT_VARIABLE = "LIFEGUARD_POSTGRES_PORT";
    public static final String START_TIMEOUT_VARIABLE = "LIFEGUARD_START_TIMEOUT";
    public static final String STOP_TIMEOUT_VARIABLE = "LIFEGUARD_STOP_TIMEOUT";
    public static final String JAVA_OPTS_VARIABLE = "LIFEGUARD_JAVA_OPTS";
    public static final String SERVICES_VARIABLE = "LIFEGUARD_SERVICES";

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_POSTGRES_PORT = 5432;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(180);
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(20);

    /** The role that owns every service database: the services' default credentials. */
    public static final String DATABASE_USER = "lifeguard";
    public static final String DATABASE_PASSWORD = "lifeguard";

    public PlatformSettings {
        repositoryRoot = repositoryRoot.toAbsolutePath().normalize();
        home = home.toAbsolutePath().normalize();
        EnumMap<LifeguardService, Integer> ports = new EnumMap<>(LifeguardService.class);
        for (LifeguardService service : LifeguardService.values()) {
            ports.put(service, servicePorts.getOrDefault(service, service.defaultPort()));
        }
        servicePorts = Collections.unmodifiableMap(ports);
        services = services.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(LifeguardService.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(services));
        javaOptions = List.copyOf(javaOptions);
        serviceEnvironment = Collections.unmodifiableMap(new LinkedHashMap<>(serviceEnvironment));
        checkPort("kafkaPort", kafkaPort);
        checkPort("postgresPort", postgresPort);
        ports.forEach((service, port) -> checkPort(service.moduleName() + " port", port));
        if (startTimeout.isNegative() || startTimeout.isZero() || stopTimeout.isNegative() || stopTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** Default ports, all five services, state in {@code <repositoryRoot>/.lifeguard}. */
    public static PlatformSettings defaults(Path repositoryRoot) {
        return new PlatformSettings(repositoryRoot, repositoryRoot.resolve(".lifeguard"), DEFAULT_KAFKA_PORT,
                DEFAULT_POSTGRES_PORT, Map.of(), EnumSet.allOf(LifeguardService.class), false, DEFAULT_START_TIMEOUT,
                DEFAULT_STOP_TIMEOUT, List.of(), Map.of());
    }

    /**
     * The defaults overridden by {@code LIFEGUARD_*} environment variables. A relative {@code LIFEGUARD_HOME}
     * is taken relative to the repository root.
     *
     * @throws IllegalArgumentException naming the variable whose value is not usable
     */
    public static PlatformSettings fromEnvironment(Map<String, String> environment, Path repositoryRoot) {
        PlatformSettings settings = defaults(repositoryRoot);
        String home = environment.get(HOME_VARIABLE);
        if (home != null && !home.isBlank()) {
            settings = settings.withHome(settings.repositoryRoot().resolve(home.trim()));
        }
        settings = settings.withKafkaPort(Env.port(environment, KAFKA_PORT_VARIABLE, settings.kafkaPort()))
                .withPostgresPort(Env.port(environment, POSTGRES_PORT_VARIABLE, settings.postgresPort()));
        for (LifeguardService service : LifeguardService.values()) {
            settings = settings.withServicePort(service, Env.port(environment, service.portVariable(),
                    settings.servicePort(service)));
        }
        settings = settings.withStartTimeout(Env.seconds(environment, START_TIMEOUT_VARIABLE, settings.startTimeout()))
                .withStopTimeout(Env.seconds(environment, STOP_TIMEOUT_VARIABLE, settings.stopTimeout()));
        String services = environment.get(SERVICES_VARIABLE);
        if (services != null && !services.isBlank()) {
            Set<LifeguardService> selected = EnumSet.noneOf(LifeguardService.class);
            for (String name : services.split("[,\\s]+")) {
                if (!name.isBlank()) {
                    selected.add(LifeguardService.byName(name).orElseThrow(() -> new IllegalArgumentException(
                            SERVICES_VARIABLE + " names an unknown service '" + name + "' (known: deploy, monitor,"
                                    + " rollback, notify, postmortem)")));
                }
            }
            settings = settings.withServices(selected);
        }
        String javaOptions = environment.get(JAVA_OPTS_VARIABLE);
        if (javaOptions != null && !javaOptions.isBlank()) {
            settings = settings.withJavaOptions(Arrays.asList(javaOptions.trim().split("\\s+")));
        }
        return settings;
    }

    /** Every port (Kafka, PostgreSQL, the five services) replaced by one that is free right now: for tests. */
    public PlatformSettings withEphemeralPorts() {
        List<Integer> ports = freePorts(2 + LifeguardService.values().length);
        PlatformSettings settings = withKafkaPort(ports.get(0)).withPostgresPort(ports.get(1));
        int next = 2;
        for (LifeguardService service : LifeguardService.values()) {
            settings = settings.withServicePort(service, ports.get(next++));
        }
        return settings;
    }

    public PlatformSettings withHome(Path newHome) {
        return new PlatformSettings(repositoryRoot, newHome, kafkaPort, postgresPort, servicePorts, services,
                allowMissingServices, startTimeout, stopTimeout, javaOptions, serviceEnvironment);
    }

    public PlatformSettings withKafkaPort(int port) {
        return new PlatformSettings(repositoryRoot, home, port, postgresPort, servicePorts, services,
                allowMissingServices, startTimeout, stopTimeout, javaOptions, serviceEnvironment);
    }

    public PlatformSettings withPostgresPort(int port) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, port, servicePorts, services,
                allowMissingServices, startTimeout, stopTimeout, javaOptions, serviceEnvironment);
    }

    public PlatformSettings withServicePort(LifeguardService service, int port) {
        Map<LifeguardService, Integer> ports = new EnumMap<>(servicePorts);
        ports.put(service, port);
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, ports, services,
                allowMissingServices, startTimeout, stopTimeout, javaOptions, serviceEnvironment);
    }

    public PlatformSettings withServices(Set<LifeguardService> newServices) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, newServices,
                allowMissingServices, startTimeout, stopTimeout, javaOptions, serviceEnvironment);
    }

    public PlatformSettings withAllowMissingServices(boolean allow) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                allow, startTimeout, stopTimeout, javaOptions, serviceEnvironment);
    }

    public PlatformSettings withStartTimeout(Duration timeout) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                allowMissingServices, timeout, stopTimeout, javaOptions, serviceEnvironment);
    }

    public PlatformSettings withStopTimeout(Duration timeout) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                allowMissingServices, startTimeout, timeout, javaOptions, serviceEnvironment);
    }

    public PlatformSettings withJavaOptions(List<String> options) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                allowMissingServices, startTimeout, stopTimeout, options, serviceEnvironment);
    }

    public PlatformSettings withServiceEnvironment(Map<String, String> environment) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                allowMissingServices, startTimeout, stopTimeout, javaOptions, environment);
    }

    public int servicePort(LifeguardService service) {
        return servicePorts.get(service);
    }

    public String kafkaBootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    public String serviceUrl(LifeguardService service) {
        return "http://localhost:" + servicePort(service);
    }

    public String jdbcUrl(LifeguardService service) {
        return "jdbc:postgresql://localhost:" + postgresPort + "/" + service.database();
    }

    public Path serviceApp(LifeguardService service) {
        return repositoryRoot.resolve(service.moduleName()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public Path logsDirectory() {
        return home.resolve("logs");
    }

    public Path runDirectory() {
        return home.resolve("run");
    }

    public Path kafkaDataDirectory() {
        return home.resolve("kafka");
    }

    public Path postgresDataDirectory() {
        return home.resolve("postgres");
    }

    public Path logFile(String component) {
        return logsDirectory().resolve(component + ".log");
    }

    public Path pidFile(String component) {
        return runDirectory().resolve(component + ".pid");
    }

    /** The environment of one service process, on top of the inherited one. */
    public Map<String, String> serviceEnvironment(LifeguardService service) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("QUARKUS_HTTP_PORT", Integer.toString(servicePort(service)));
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers());
        environment.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl(service));
        environment.put("QUARKUS_DATASOURCE_USERNAME", DATABASE_USER);
        environment.put("QUARKUS_DATASOURCE_PASSWORD", DATABASE_PASSWORD);
        environment.putAll(service.localEnvironment());
        environment.putAll(serviceEnvironment);
        return environment;
    }

    private static void checkPort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 1-65535: " + port);
        }
    }

    private static List<Integer> freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find free ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the port stays free either way
                }
            }
        }
    }
}
