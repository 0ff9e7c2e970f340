package dev.lifeguard.launcher.platform;

import dev.lifeguard.launcher.auth.LocalKeys;
import dev.lifeguard.launcher.auth.TokenMinter;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Everything that {@code ./lifeguard up} and the end-to-end test may vary: where the platform keeps its state,
 * which ports it uses, how many instances of each service it runs and how long it waits. Immutable; the
 * {@code with…} methods return changed copies.
 *
 * @param repositoryRoot       the checkout holding {@code <service>/target/quarkus-app/quarkus-run.jar}
 * @param home                 state of one running platform: {@code logs/}, {@code run/}, {@code kafka/},
 *                             {@code kafka-streams/} (monitor-service's engine state, one directory per instance),
 *                             {@code postgres/}
 * @param servicePorts         the port of each service's first instance
 * @param services             the services to start (all five by default)
 * @param instanceCounts       how many instances of each service to run (1 by default, at most 9)
 * @param instancePortBase     the first port of the extra instances (instance 2 and up), handed out consecutively
 *                             in service order, then instance order
 * @param extraInstancePorts   explicit ports of extra instances by component name (e.g. {@code deploy-service-2}),
 *                             set by {@link #withEphemeralPorts()}; the others come from {@code instancePortBase}
 * @param allowMissingServices skip (with an error line) a service whose packaged app does not exist, instead of failing
 * @param javaOptions          JVM options for the service processes
 * @param serviceEnvironment   extra environment variables for every service process (after the launcher's own)
 */
public record PlatformSettings(Path repositoryRoot, Path home, int kafkaPort, int postgresPort,
                               Map<LifeguardService, Integer> servicePorts, Set<LifeguardService> services,
                               Map<LifeguardService, Integer> instanceCounts, int instancePortBase,
                               Map<String, Integer> extraInstancePorts,
                               boolean allowMissingServices, Duration startTimeout, Duration stopTimeout,
                               List<String> javaOptions, Map<String, String> serviceEnvironment) {

    public static final String HOME_VARIABLE = "LIFEGUARD_HOME";
    public static final String KAFKA_PORT_VARIABLE = "LIFEGUARD_KAFKA_PORT";
    public static final String POSTGRES_PORT_VARIABLE = "LIFEGUARD_POSTGRES_PORT";
    public static final String START_TIMEOUT_VARIABLE = "LIFEGUARD_START_TIMEOUT";
    public static final String STOP_TIMEOUT_VARIABLE = "LIFEGUARD_STOP_TIMEOUT";
    public static final String JAVA_OPTS_VARIABLE = "LIFEGUARD_JAVA_OPTS";
    public static final String SERVICES_VARIABLE = "LIFEGUARD_SERVICES";
    public static final String INSTANCES_VARIABLE = "LIFEGUARD_INSTANCES";
    public static final String INSTANCE_PORT_BASE_VARIABLE = "LIFEGUARD_INSTANCE_PORT_BASE";
    /** Set for every service process: its component name, e.g. {@code rollback-service-2}. */
    public static final String INSTANCE_ID_VARIABLE = "LIFEGUARD_INSTANCE_ID";
    /**
     * Set for every monitor-service process: its Kafka Streams state directory ({@code kafka-streams.state.dir}),
     * {@code <home>/kafka-streams/<instance>}, wiped with Kafka's data.
     */
    public static final String KAFKA_STREAMS_STATE_DIR_VARIABLE = "KAFKA_STREAMS_STATE_DIR";

    /** smallrye-jwt's verification key (a PEM file here) and expected issuer. */
    public static final String JWT_PUBLIC_KEY_VARIABLE = "MP_JWT_VERIFY_PUBLICKEY_LOCATION";
    public static final String JWT_ISSUER_VARIABLE = "MP_JWT_VERIFY_ISSUER";

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_POSTGRES_PORT = 5432;
    public static final int DEFAULT_INSTANCE_PORT_BASE = 8086;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(180);
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(20);

    /** The role that owns every service database: the services' default credentials. */
    public static final String DATABASE_USER = "lifeguard";
    public static final String DATABASE_PASSWORD = "lifeguard";

    public PlatformSettings {
        repositoryRoot = repositoryRoot.toAbsolutePath().normalize();
        home = home.toAbsolutePath().normalize();
        EnumMap<LifeguardService, Integer> ports = new EnumMap<>(LifeguardService.class);
        EnumMap<LifeguardService, Integer> counts = new EnumMap<>(LifeguardService.class);
        int extraInstances = 0;
        for (LifeguardService service : LifeguardService.values()) {
            ports.put(service, servicePorts.getOrDefault(service, service.defaultPort()));
            int count = instanceCounts.getOrDefault(service, 1);
            if (count < 1 || count > ServiceInstance.MAX_INSTANCES) {
                throw new IllegalArgumentException(service.moduleName() + " instances must be 1-"
                        + ServiceInstance.MAX_INSTANCES + ": " + count);
            }
            counts.put(service, count);
            extraInstances += count - 1;
        }
        servicePorts = Collections.unmodifiableMap(ports);
        instanceCounts = Collections.unmodifiableMap(counts);
        services = services.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(LifeguardService.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(services));
        extraInstancePorts = Collections.unmodifiableMap(new LinkedHashMap<>(extraInstancePorts));
        javaOptions = List.copyOf(javaOptions);
        serviceEnvironment = Collections.unmodifiableMap(new LinkedHashMap<>(serviceEnvironment));
        checkPort("kafkaPort", kafkaPort);
        checkPort("postgresPort", postgresPort);
        ports.forEach((service, port) -> checkPort(service.moduleName() + " port", port));
        checkPort("instancePortBase", instancePortBase);
        if (instancePortBase + extraInstances - 1 > 65535) {
            throw new IllegalArgumentException("instancePortBase " + instancePortBase + " leaves no room for "
                    + extraInstances + " extra instances below port 65536");
        }
        extraInstancePorts.forEach((component, port) -> checkPort(component + " port", port));
        if (startTimeout.isNegative() || startTimeout.isZero() || stopTimeout.isNegative() || stopTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** Default ports, all five services with one instance each, state in {@code <repositoryRoot>/.lifeguard}. */
    public static PlatformSettings defaults(Path repositoryRoot) {
        return new PlatformSettings(repositoryRoot, repositoryRoot.resolve(".lifeguard"), DEFAULT_KAFKA_PORT,
                DEFAULT_POSTGRES_PORT, Map.of(), EnumSet.allOf(LifeguardService.class), Map.of(),
                DEFAULT_INSTANCE_PORT_BASE, Map.of(), false, DEFAULT_START_TIMEOUT, DEFAULT_STOP_TIMEOUT, List.of(),
                Map.of());
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
        Map<LifeguardService, Integer> counts = instanceCounts(environment.get(INSTANCES_VARIABLE));
        for (Map.Entry<LifeguardService, Integer> count : counts.entrySet()) {
            settings = settings.withInstances(count.getKey(), count.getValue());
        }
        int portBase = Env.port(environment, INSTANCE_PORT_BASE_VARIABLE, settings.instancePortBase());
        int extraInstances = counts.values().stream().mapToInt(count -> count - 1).sum();
        if (portBase + extraInstances - 1 > 65535) {
            throw new IllegalArgumentException(INSTANCE_PORT_BASE_VARIABLE + "=" + portBase + " leaves no room for "
                    + extraInstances + " extra instances below port 65536");
        }
        settings = settings.withInstancePortBase(portBase);
        String javaOptions = environment.get(JAVA_OPTS_VARIABLE);
        if (javaOptions != null && !javaOptions.isBlank()) {
            settings = settings.withJavaOptions(Arrays.asList(javaOptions.trim().split("\\s+")));
        }
        settings.checkNoSharedPorts();
        return settings;
    }

    /**
     * Parses {@code LIFEGUARD_INSTANCES}: {@code <service>=<count>} pairs separated by commas or spaces, e.g.
     * {@code rollback=2,deploy=2}; services not named keep one instance.
     *
     * @throws IllegalArgumentException naming the variable and the part that is not usable
     */
    static Map<LifeguardService, Integer> instanceCounts(String value) {
        Map<LifeguardService, Integer> counts = new EnumMap<>(LifeguardService.class);
        if (value == null || value.isBlank()) {
            return counts;
        }
        for (String part : value.trim().replaceAll("\\s*=\\s*", "=").split("[,\\s]+")) {
            if (part.isBlank()) {
                continue;
            }
            String[] nameAndCount = part.split("=", -1);
            if (nameAndCount.length != 2) {
                throw new IllegalArgumentException(INSTANCES_VARIABLE + ": '" + part
                        + "' is not <service>=<count> (e.g. rollback=2)");
            }
            LifeguardService service = LifeguardService.byName(nameAndCount[0]).orElseThrow(() ->
                    new IllegalArgumentException(INSTANCES_VARIABLE + " names an unknown service in '" + part
                            + "' (known: deploy, monitor, rollback, notify, postmortem)"));
            int count;
            try {
                count = Integer.parseInt(nameAndCount[1]);
            } catch (NumberFormatException e) {
                count = 0;
            }
            if (count < 1 || count > ServiceInstance.MAX_INSTANCES) {
                throw new IllegalArgumentException(INSTANCES_VARIABLE + ": the count in '" + part + "' must be 1-"
                        + ServiceInstance.MAX_INSTANCES);
            }
            if (counts.put(service, count) != null) {
                throw new IllegalArgumentException(INSTANCES_VARIABLE + " names " + service.moduleName() + " twice ('"
                        + part + "')");
            }
        }
        return counts;
    }

    /**
     * Every port (Kafka, PostgreSQL, every instance of the five services) replaced by one that is free right now:
     * for tests. Call it after {@link #withInstances}, so that the extra instances get free ports too.
     */
    public PlatformSettings withEphemeralPorts() {
        List<String> extraInstances = new ArrayList<>();
        for (LifeguardService service : LifeguardService.values()) {
            for (int number = 2; number <= instanceCount(service); number++) {
                extraInstances.add(ServiceInstance.componentName(service, number));
            }
        }
        List<Integer> ports = freePorts(2 + LifeguardService.values().length + extraInstances.size());
        PlatformSettings settings = withKafkaPort(ports.get(0)).withPostgresPort(ports.get(1));
        int next = 2;
        for (LifeguardService service : LifeguardService.values()) {
            settings = settings.withServicePort(service, ports.get(next++));
        }
        Map<String, Integer> extraPorts = new LinkedHashMap<>();
        for (String component : extraInstances) {
            extraPorts.put(component, ports.get(next++));
        }
        return new PlatformSettings(repositoryRoot, home, settings.kafkaPort, settings.postgresPort,
                settings.servicePorts, services, instanceCounts, instancePortBase, extraPorts, allowMissingServices,
                startTimeout, stopTimeout, javaOptions, serviceEnvironment);
    }

    public PlatformSettings withHome(Path newHome) {
        return new PlatformSettings(repositoryRoot, newHome, kafkaPort, postgresPort, servicePorts, services,
                instanceCounts, instancePortBase, extraInstancePorts, allowMissingServices, startTimeout, stopTimeout,
                javaOptions, serviceEnvironment);
    }

    public PlatformSettings withKafkaPort(int port) {
        return new PlatformSettings(repositoryRoot, home, port, postgresPort, servicePorts, services,
                instanceCounts, instancePortBase, extraInstancePorts, allowMissingServices, startTimeout, stopTimeout,
                javaOptions, serviceEnvironment);
    }

    public PlatformSettings withPostgresPort(int port) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, port, servicePorts, services,
                instanceCounts, instancePortBase, extraInstancePorts, allowMissingServices, startTimeout, stopTimeout,
                javaOptions, serviceEnvironment);
    }

    public PlatformSettings withServicePort(LifeguardService service, int port) {
        Map<LifeguardService, Integer> ports = new EnumMap<>(servicePorts);
        ports.put(service, port);
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, ports, services,
                instanceCounts, instancePortBase, extraInstancePorts, allowMissingServices, startTimeout, stopTimeout,
                javaOptions, serviceEnvironment);
    }

    public PlatformSettings withServices(Set<LifeguardService> newServices) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, newServices,
                instanceCounts, instancePortBase, extraInstancePorts, allowMissingServices, startTimeout, stopTimeout,
                javaOptions, serviceEnvironment);
    }

    public PlatformSettings withAllowMissingServices(boolean allow) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                instanceCounts, instancePortBase, extraInstancePorts, allow, startTimeout, stopTimeout, javaOptions,
                serviceEnvironment);
    }

    public PlatformSettings withStartTimeout(Duration timeout) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                instanceCounts, instancePortBase, extraInstancePorts, allowMissingServices, timeout, stopTimeout,
                javaOptions, serviceEnvironment);
    }

    public PlatformSettings withStopTimeout(Duration timeout) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                instanceCounts, instancePortBase, extraInstancePorts, allowMissingServices, startTimeout, timeout,
                javaOptions, serviceEnvironment);
    }

    public PlatformSettings withJavaOptions(List<String> options) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                instanceCounts, instancePortBase, extraInstancePorts, allowMissingServices, startTimeout, stopTimeout,
                options, serviceEnvironment);
    }

    public PlatformSettings withServiceEnvironment(Map<String, String> environment) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                instanceCounts, instancePortBase, extraInstancePorts, allowMissingServices, startTimeout, stopTimeout,
                javaOptions, environment);
    }

    /** Runs {@code count} instances (1-9) of the service; instance 1 keeps the service's port. */
    public PlatformSettings withInstances(LifeguardService service, int count) {
        Map<LifeguardService, Integer> counts = new EnumMap<>(instanceCounts);
        counts.put(service, count);
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                counts, instancePortBase, extraInstancePorts, allowMissingServices, startTimeout, stopTimeout,
                javaOptions, serviceEnvironment);
    }

    public PlatformSettings withInstancePortBase(int port) {
        return new PlatformSettings(repositoryRoot, home, kafkaPort, postgresPort, servicePorts, services,
                instanceCounts, port, extraInstancePorts, allowMissingServices, startTimeout, stopTimeout,
                javaOptions, serviceEnvironment);
    }

    public int servicePort(LifeguardService service) {
        return servicePorts.get(service);
    }

    public String kafkaBootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    public int instanceCount(LifeguardService service) {
        return instanceCounts.get(service);
    }

    /** The instances of the services to start ({@link #services()}): in service order, then instance order. */
    public List<ServiceInstance> instances() {
        return services.stream().flatMap(service -> instances(service).stream()).toList();
    }

    /** The configured instances of one service, whether it is among {@link #services()} or not. */
    public List<ServiceInstance> instances(LifeguardService service) {
        return IntStream.rangeClosed(1, instanceCount(service))
                .mapToObj(number -> new ServiceInstance(service, number,
                        number == 1 ? servicePort(service) : extraInstancePort(service, number)))
                .toList();
    }

    /** The configured instances of all five services, selected or not: the rows of {@code ./lifeguard status}. */
    List<ServiceInstance> instancesOfAllServices() {
        return Arrays.stream(LifeguardService.values()).flatMap(service -> instances(service).stream()).toList();
    }

    /** The URL of the service's first instance. */
    public String serviceUrl(LifeguardService service) {
        return "http://localhost:" + servicePort(service);
    }

    public String jdbcUrl(LifeguardService service) {
        return "jdbc:postgresql://localhost:" + postgresPort + "/" + service.database();
    }

    public Path serviceApp(LifeguardService service) {
        return repositoryRoot.resolve(service.moduleName()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The local signing key pair and secrets key ({@code ./lifeguard up} creates them once and keeps them). */
    public Path keysDirectory() {
        return home.resolve("keys");
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

    /**
     * Where monitor-service's instances keep their Kafka Streams state (RocksDB stores, checkpoints), one directory
     * each. The state is a cache of changelog topics on this platform's broker: it is wiped whenever Kafka's data
     * is, since state that outlives its broker would be taken for the new broker's.
     */
    public Path kafkaStreamsDirectory() {
        return home.resolve("kafka-streams");
    }

    /** The Kafka Streams state directory of one monitor-service instance: never shared by two instances. */
    public Path kafkaStreamsStateDirectory(ServiceInstance instance) {
        return kafkaStreamsDirectory().resolve(instance.componentName());
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

    /** The environment of the service's first instance. */
    public Map<String, String> serviceEnvironment(LifeguardService service) {
        return serviceEnvironment(instances(service).get(0));
    }

    /** The environment of one service process, on top of the inherited one. */
    public Map<String, String> serviceEnvironment(ServiceInstance instance) {
        LifeguardService service = instance.service();
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("QUARKUS_HTTP_PORT", Integer.toString(instance.port()));
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers());
        environment.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl(service));
        environment.put("QUARKUS_DATASOURCE_USERNAME", DATABASE_USER);
        environment.put("QUARKUS_DATASOURCE_PASSWORD", DATABASE_PASSWORD);
        environment.putAll(service.localEnvironment());
        environment.putAll(securityEnvironment());
        environment.putAll(serviceEnvironment);
        // last, so that no setting can give two instances one identity (or one engine state)
        environment.put(INSTANCE_ID_VARIABLE, instance.componentName());
        if (service == LifeguardService.MONITOR) {
            environment.put(KAFKA_STREAMS_STATE_DIR_VARIABLE, kafkaStreamsStateDirectory(instance).toString());
        }
        return environment;
    }

    /**
     * How every service verifies tokens and seals secrets on the local platform: the public half of the key pair in
     * {@link #keysDirectory()} (the launcher signs with the private half), issuer {@value TokenMinter#ISSUER}, and the
     * secrets key, once the keys exist (the platform's start creates them before it starts a service).
     */
    public Map<String, String> securityEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(JWT_PUBLIC_KEY_VARIABLE, keysDirectory().resolve(LocalKeys.PUBLIC_KEY_FILE).toString());
        environment.put(JWT_ISSUER_VARIABLE, TokenMinter.ISSUER);
        LocalKeys.load(keysDirectory())
                .ifPresent(keys -> environment.put(LocalKeys.SECRETS_KEY_VARIABLE, keys.secretsKey()));
        return environment;
    }

    private int extraInstancePort(LifeguardService service, int number) {
        Integer explicit = extraInstancePorts.get(ServiceInstance.componentName(service, number));
        if (explicit != null) {
            return explicit;
        }
        int before = 0;
        for (LifeguardService earlier : LifeguardService.values()) {
            if (earlier == service) {
                break;
            }
            before += instanceCount(earlier) - 1;
        }
        return instancePortBase + before + number - 2;
    }

    /**
     * Two components to be started on one port would fail only at start, with a confusing "exited before it was
     * ready".
     */
    private void checkNoSharedPorts() {
        Map<Integer, String> users = new HashMap<>();
        claim(users, kafkaPort, "kafka", KAFKA_PORT_VARIABLE);
        claim(users, postgresPort, "postgres", POSTGRES_PORT_VARIABLE);
        for (LifeguardService service : services) {
            claim(users, servicePort(service), service.moduleName(), service.portVariable());
        }
        for (ServiceInstance instance : instances()) {
            if (instance.number() > 1) {
                claim(users, instance.port(), instance.componentName(), INSTANCE_PORT_BASE_VARIABLE);
            }
        }
    }

    private static void claim(Map<Integer, String> users, int port, String component, String variable) {
        String user = users.putIfAbsent(port, component + " (" + variable + ")");
        if (user != null) {
            throw new IllegalArgumentException(variable + ": " + component + " would use port " + port
                    + ", already used by " + user);
        }
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
