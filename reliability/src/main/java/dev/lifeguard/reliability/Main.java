package dev.lifeguard.reliability;

import dev.lifeguard.launcher.platform.ComponentStatus;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformException;
import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.reliability.workload.Target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./lifeguard chaos [--minutes N]}: starts its own platform (two deploy, monitor and rollback instances, free
 * ports, home {@code .lifeguard/chaos} or {@code LIFEGUARD_CHAOS_HOME}), so a developer's running platform is never
 * touched; runs N minutes of faults under load; prints the results; stops the platform. Exit code 0 when every
 * check passed, 1 when one failed or the run could not be done, 2 on a usage error.
 */
public final class Main {

    static final int PASSED = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int DEFAULT_MINUTES = 10;
    static final int MAX_MINUTES = 120;
    static final String HOME_VARIABLE = "LIFEGUARD_CHAOS_HOME";
    static final String DEFAULT_SPEC_VARIABLE = "LIFEGUARD_MONITOR_DEFAULT_SPEC";
    static final String USAGE_TEXT = """
            usage: ./lifeguard chaos [--minutes N]

              Starts a separate Lifeguard platform (2 deploy-service, 2 monitor-service and 2 rollback-service
              instances, free ports, state in .lifeguard/chaos or $LIFEGUARD_CHAOS_HOME), drives deployments through
              it for N minutes
              (default %d, 1-%d) while killing instances with kill -9, freezing PostgreSQL, restarting Kafka and
              sending malformed records, then prints whether anything was lost or done twice. Exit code 0 when every
              check passed.""".formatted(DEFAULT_MINUTES, MAX_MINUTES);

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        int code;
        try {
            code = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("✗ " + e.getMessage());
            System.err.println(USAGE_TEXT);
            code = USAGE;
        } catch (PlatformException | IllegalStateException | UncheckedIOException e) {
            System.err.println("\n✗ the chaos run could not be completed: " + e.getMessage());
            code = FAILED;
        }
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE_TEXT);
            return PASSED;
        }
        int minutes = minutes(args);
        Path root = Path.of(System.getProperty("lifeguard.root", "")).toAbsolutePath().normalize();
        Map<String, String> environment = System.getenv();
        Path home = environment.containsKey(HOME_VARIABLE) && !environment.get(HOME_VARIABLE).isBlank()
                ? root.resolve(environment.get(HOME_VARIABLE).trim()) : root.resolve(".lifeguard").resolve("chaos");
        // JVM options and timeouts as for ./lifeguard up; never its home, ports, services or instance counts
        PlatformSettings environmentSettings = PlatformSettings.fromEnvironment(environment, root);
        PlatformSettings settings = settings(root, home).withJavaOptions(environmentSettings.javaOptions())
                .withStartTimeout(environmentSettings.startTimeout())
                .withStopTimeout(environmentSettings.stopTimeout());

        System.out.println("Lifeguard chaos: " + minutes + " minute(s) of faults (state in " + home + ")");
        if (Platform.status(settings).stream().anyMatch(row -> row.state() != ComponentStatus.State.STOPPED)) {
            System.out.println("A chaos platform of an earlier run still runs in " + home + ": stopping it first");
            Platform.stop(settings, System.out::println);
        }
        // a fresh start: the databases and logs of an earlier run would mix with this one's
        deleteRecursively(settings.postgresDataDirectory());
        deleteRecursively(settings.logsDirectory());
        Platform platform = Platform.start(settings, System.out::println).stopOnJvmExit();
        try {
            ChaosRun.Report report = new ChaosRun(platform, ChaosOptions.forMinutes(minutes), System.out).run();
            System.out.print(report.text());
            System.out.println(report.passed() ? "\n✓ chaos run passed" : "\n✗ chaos run FAILED: see the rows marked"
                    + " FAIL above and the logs in " + settings.logsDirectory());
            return report.passed() ? PASSED : FAILED;
        } finally {
            System.out.println("\nStopping the chaos platform");
            platform.stop();
        }
    }

    /** {@code --minutes N} (or {@code --minutes=N}), 1 to {@value #MAX_MINUTES}; the default without it. */
    static int minutes(String[] args) {
        String value = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("chaos") && i == 0) {
                continue;
            }
            if (arg.equals("--minutes")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--minutes needs a value");
                }
                value = args[++i];
            } else if (arg.startsWith("--minutes=")) {
                value = arg.substring("--minutes=".length());
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        if (value == null) {
            return DEFAULT_MINUTES;
        }
        try {
            int minutes = Integer.parseInt(value.trim());
            if (minutes >= 1 && minutes <= MAX_MINUTES) {
                return minutes;
            }
        } catch (NumberFormatException e) {
            // answered below, like an out-of-range number
        }
        throw new IllegalArgumentException("--minutes must be a whole number from 1 to " + MAX_MINUTES + ", not '"
                + value + "'");
    }

    /**
     * As {@code ./lifeguard up} starts the platform, with two deploy, two monitor and two rollback instances (a
     * killed monitor instance's analyses move to the other, state intact), on free ports; monitor-service judges
     * with {@link Target#ANALYSIS_SPEC}.
     */
    public static PlatformSettings settings(Path root, Path home) {
        return PlatformSettings.defaults(root).withHome(home)
                .withInstances(LifeguardService.DEPLOY, 2)
                .withInstances(LifeguardService.MONITOR, 2)
                .withInstances(LifeguardService.ROLLBACK, 2)
                .withServiceEnvironment(Map.of(DEFAULT_SPEC_VARIABLE, Target.ANALYSIS_SPEC))
                .withEphemeralPorts();
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
    }
}
