package dev.lifeguard.launcher.platform;

/**
 * One process of a service. Instance 1 is named like the service ({@code rollback-service}); instance n ≥ 2 gets
 * the suffix {@code -n} ({@code rollback-service-2}). The name is the instance's identity everywhere: its log and
 * pid file, its status row, and the {@code LIFEGUARD_INSTANCE_ID} it runs with, from which the service derives
 * its Kafka static membership and outbox claim owner, so it stays the same across restarts of that instance.
 *
 * @param service the service this is an instance of
 * @param number  1 to {@link #MAX_INSTANCES}
 * @param port    its HTTP port
 */
public record ServiceInstance(LifeguardService service, int number, int port) {

    public static final int MAX_INSTANCES = 9;

    public ServiceInstance {
        if (number < 1 || number > MAX_INSTANCES) {
            throw new IllegalArgumentException("instance number must be 1-" + MAX_INSTANCES + ": " + number);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(componentName(service, number) + " port must be 1-65535: " + port);
        }
    }

    /** {@code rollback-service} for instance 1, {@code rollback-service-2} for instance 2, … */
    public String componentName() {
        return componentName(service, number);
    }

    /** {@code http://localhost:<port>} */
    public String url() {
        return "http://localhost:" + port;
    }

    static String componentName(LifeguardService service, int number) {
        return number == 1 ? service.moduleName() : service.moduleName() + "-" + number;
    }
}
