package dev.lifeguard.support.config;

import io.smallrye.config.ConfigMapping;

/**
 * Which instance of the service this process is. It must be stable across restarts of the same instance and
 * unique among the instances sharing the service's database and consumer group: it becomes the Kafka static
 * group membership ({@code group.instance.id}) and the owner of outbox claims. {@code ./lifeguard up} sets
 * {@code LIFEGUARD_INSTANCE_ID}; in a container the host name serves.
 */
@ConfigMapping(prefix = "lifeguard.instance")
public interface InstanceConfig {

    String id();
}
