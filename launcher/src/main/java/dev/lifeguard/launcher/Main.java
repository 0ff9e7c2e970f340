package dev.lifeguard.launcher;

import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.build.BuildCheck;
import dev.lifeguard.launcher.cli.PolicyCommand;
import dev.lifeguard.launcher.cli.RollbackCommand;
import dev.lifeguard.launcher.cli.RolloutCommand;
import dev.lifeguard.launcher.cli.TokenCommand;
import dev.lifeguard.launcher.demo.Demo;
import dev.lifeguard.launcher.demo.DemoFailure;
import dev.lifeguard.launcher.demo.DemoOptions;
import dev.lifeguard.launcher.deploy.DeployCommand;
import dev.lifeguard.launcher.deploy.DeployOptions;
import dev.lifeguard.launcher.infra.Infrastructure;
import dev.lifeguard.launcher.platform.ComponentStatus;
import dev.lifeguard.launcher.platform.Env;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformException;
import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.launcher.platform.ServiceInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point behind {@code ./lifeguard}: {@code up}, {@code down}, {@code status}, {@code demo}, {@code deploy}, {@code rollback}, {@code rollout}, {@code policy},
 * plus the internal {@code build-check} (exit code 10 when a build is needed) and {@code infra} (the background
 * broker + database).
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int BUILD_NEEDED = 10;

    public static final String DEMO_TIMEOUT_VARIABLE = "LIFEGUARD_DEMO_TIMEOUT";
    private static final Duration DEFAULT_DEMO_TIMEOUT = Duration.ofSeconds(60);

    private Main() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        configureLogging("infra".equals(command));
        int code;
        try {
            code = run(command, args);
        } catch (PlatformException | DemoFailure e) {
            System.err.println();
            System.err.println("✗ " + e.getMessage());
            code = FAILED;
        } catch (Credentials.NoCredentials e) {
            System.err.println("✗ " + e.getMessage());
            code = FAILED;
        } catch (IllegalArgumentException e) {
            System.err.println("✗ " + e.getMessage());
            code = USAGE;
        }
        System.out.flush();
        System.exit(code);
    }

    private static int run(String command, String[] args) {
        if ("infra".equals(command)) {
            return infra(args);
        }
        Path root = Path.of(System.getProperty("lifeguard.root", "")).toAbsolutePath().normalize();
        PlatformSettings settings = PlatformSettings.fromEnvironment(System.getenv(), root);
        return switch (command) {
            case "up" -> up(settings.withAllowMissingServices(true));
            case "down" -> down(settings);
            case "status" -> status(settings);
            case "demo" -> demo(settings, DemoOptions.parse(List.of(args).subList(1, args.length)));
            case "deploy" -> new DeployCommand(System.getenv(),
                    Credentials.fromEnvironment(System.getenv(), settings.keysDirectory()),
                    settings.serviceUrl(LifeguardService.DEPLOY), System.out, System.err, System.console() != null)
                    .run(Arrays.copyOfRange(args, 1, args.length));
            case "build-check" -> buildCheck(settings);
            case "rollback" -> RollbackCommand.fromEnvironment(System.getenv(), settings, System.out, System.err)
                    .run(List.of(args).subList(1, args.length));
            case "policy" -> PolicyCommand.fromEnvironment(System.getenv(), settings, System.out, System.err)
                    .run(List.of(args).subList(1, args.length));
            case "rollout" -> RolloutCommand.fromEnvironment(System.getenv(), settings, System.out, System.err)
                    .run(List.of(args).subList(1, args.length));
            case "token" -> TokenCommand.fromEnvironment(System.getenv(), settings, System.out, System.err)
                    .run(List.of(args).subList(1, args.length));
            case "keys" -> TokenCommand.fromEnvironment(System.getenv(), settings, System.out, System.err).keys();
            case "help", "-h", "--help" -> {
                System.out.println("usage: ./lifeguard up|down|status|demo [--approval]|deploy|rollback|rollout|policy|token|keys|logs <component>|help");
                System.out.println(DeployOptions.USAGE);
                yield OK;
            }
            default -> {
                System.err.println("unknown command '" + command + "'; usage: ./lifeguard up|down|status|demo|deploy|rollback|rollout|policy|token|keys|help");
                yield USAGE;
            }
        };
    }

    private static int up(PlatformSettings settings) {
        if (Platform.isRunning(settings)) {
            System.out.println("Lifeguard is already running.\n");
            System.out.print(Console.statusTable(Platform.status(settings)));
            System.out.println();
            System.out.print(Console.urls(settings, settings.instances()));
            return OK;
        }
        long start = System.nanoTime();
        System.out.println("Starting Lifeguard (state in " + settings.home() + ")");
        Platform platform = Platform.start(settings, System.out::println);
        System.out.printf("%nLifeguard is %s (%.1f s).%n%n", platform.skippedServices().isEmpty() ? "up" : "partly up",
                (System.nanoTime() - start) / 1e9);
        List<ServiceInstance> started = settings.instances().stream()
                .filter(instance -> !platform.skippedServices().contains(instance.service())).toList();
        System.out.print(Console.urls(settings, started));
        System.out.println("\n  logs: " + settings.logsDirectory() + "   stop: ./lifeguard down   try: ./lifeguard demo");
        System.out.println("  tokens: every /api/v1 call needs one: ./lifeguard token --role viewer|ci|operator|admin"
                + " (signed with the key in " + settings.keysDirectory() + "; the CLI signs its own)");
        if (!platform.skippedServices().isEmpty()) {
            System.err.println("\n✗ not started because not built: " + platform.skippedServices().stream()
                    .map(service -> service.moduleName() + " (" + settings.serviceApp(service) + " missing)").toList()
                    + "; build with ./mvnw -B install -DskipTests");
            return FAILED;
        }
        return OK;
    }

    private static int down(PlatformSettings settings) {
        System.out.println("Stopping Lifeguard (state in " + settings.home() + ")");
        Platform.stop(settings, System.out::println);
        return OK;
    }

    private static int status(PlatformSettings settings) {
        System.out.print(Console.statusTable(Platform.status(settings)));
        return OK;
    }

    private static int demo(PlatformSettings settings, DemoOptions options) {
        Duration stepTimeout = Env.seconds(System.getenv(), DEMO_TIMEOUT_VARIABLE, DEFAULT_DEMO_TIMEOUT);
        if (!Platform.isRunning(settings)) {
            System.out.println("Lifeguard is not running: starting it first (state in " + settings.home() + ")");
            Platform.start(settings, System.out::println);
            System.out.println();
        }
        new Demo(settings, System.out, stepTimeout, options).run();
        return OK;
    }

    /** Exit 10 with the reasons when something must be built; never rebuilds under a running platform. */
    private static int buildCheck(PlatformSettings settings) {
        List<BuildCheck.Reason> stale = BuildCheck.staleTargets(settings.repositoryRoot());
        boolean running = Platform.status(settings).stream()
                .anyMatch(row -> row.state() != ComponentStatus.State.STOPPED);
        if (running) {
            if (!stale.isEmpty()) {
                System.err.println("note: sources changed since the last build, but Lifeguard is running; run"
                        + " ./lifeguard down first to rebuild (" + stale.get(0) + ")");
            }
            return OK;
        }
        stale.forEach(reason -> System.out.println("  " + reason));
        return stale.isEmpty() ? OK : BUILD_NEEDED;
    }

    private static int infra(String[] args) {
        Map<String, String> options = options(args);
        new Infrastructure(Path.of(required(options, "--kafka-dir")),
                Path.of(required(options, "--kafka-streams-dir")),
                Integer.parseInt(required(options, "--kafka-port")),
                Path.of(required(options, "--postgres-dir")),
                Integer.parseInt(required(options, "--postgres-port")),
                Path.of(required(options, "--ready-file")),
                Path.of(required(options, "--kafka-restart-request")),
                System.out).run();
        return OK;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing option " + name);
        }
        return value;
    }

    /** slf4j-simple: the broker's warnings go to the infra log; the CLI stays quiet unless something is wrong. */
    private static void configureLogging(boolean infra) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", infra ? "warn" : "error");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.logFile", infra ? "System.out" : "System.err");
        if (infra) {
            setIfAbsent("org.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer", "info");
            setIfAbsent("org.slf4j.simpleLogger.log.io.zonky", "info");
        }
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
