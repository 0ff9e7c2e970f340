package dev.lifeguard.testsupport;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every service's {@code ScheduledJobsTest} extends this: each {@code @Scheduled} method of the module's own classes
 * ({@code target/classes}) skips its runs while the application is not running. Quarkus stops the datasource,
 * Hibernate and the Kafka clients while it shuts down; a job that fires then fails with "EntityManagerFactory is
 * closed" and logs it as an error, so every job skips its runs outside {@code Scheduled.ApplicationNotRunning}. The
 * annotation is read by name, so that this module needs no scheduler dependency.
 */
public abstract class ScheduledJobsContract {

    private static final String SCHEDULED = "io.quarkus.scheduler.Scheduled";
    private static final String APPLICATION_NOT_RUNNING = SCHEDULED + "$ApplicationNotRunning";

    /** What a scan found: every job ({@code Class#method}) and the ones that do not skip while not running. */
    private record Scan(List<String> jobs, List<String> runningWhileNotRunning) {
    }

    @Test
    public void everyScheduledJobSkipsWhileTheApplicationIsNotRunning() {
        Scan scan = scan(Path.of("target/classes"));

        assertThat(scan.jobs()).isNotEmpty();
        assertThat(scan.runningWhileNotRunning()).isEmpty();
    }

    /** Scans the classes compiled into {@code classes}. */
    private static Scan scan(Path classes) {
        List<String> jobs = new ArrayList<>();
        List<String> unguarded = new ArrayList<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String className : classNames(classes)) {
            Class<?> type;
            try {
                type = Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("Cannot load " + className + " to look for scheduled jobs", e);
            }
            for (Method method : type.getDeclaredMethods()) {
                for (Annotation annotation : method.getAnnotations()) {
                    if (!annotation.annotationType().getName().equals(SCHEDULED)) {
                        continue;
                    }
                    String job = type.getName() + "#" + method.getName();
                    jobs.add(job);
                    if (!skipsWhileNotRunning(annotation)) {
                        unguarded.add(job);
                    }
                }
            }
        }
        return new Scan(List.copyOf(jobs), List.copyOf(unguarded));
    }

    private static boolean skipsWhileNotRunning(Annotation scheduled) {
        try {
            Class<?> predicate = (Class<?>) scheduled.annotationType().getMethod("skipExecutionIf").invoke(scheduled);
            return predicate.getName().equals(APPLICATION_NOT_RUNNING);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot read skipExecutionIf of " + scheduled, e);
        }
    }

    private static List<String> classNames(Path classes) {
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> classes.relativize(file).toString())
                    .filter(name -> !name.equals("module-info.class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + classes, e);
        }
    }
}
