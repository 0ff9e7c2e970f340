package dev.lifeguard.reliability.fault;

import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.ServiceInstance;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FaultInjectorTest {

    @Test
    void killsGoToEachServiceInTurnBeforeAnySecondInstance() {
        List<ServiceInstance> platformOrder = List.of(
                new ServiceInstance(LifeguardService.DEPLOY, 1, 8081),
                new ServiceInstance(LifeguardService.DEPLOY, 2, 8086),
                new ServiceInstance(LifeguardService.MONITOR, 1, 8082),
                new ServiceInstance(LifeguardService.ROLLBACK, 1, 8083),
                new ServiceInstance(LifeguardService.ROLLBACK, 2, 8087),
                new ServiceInstance(LifeguardService.NOTIFY, 1, 8084),
                new ServiceInstance(LifeguardService.POSTMORTEM, 1, 8085));

        assertThat(FaultInjector.interleaved(platformOrder)).extracting(ServiceInstance::componentName).containsExactly(
                "deploy-service", "monitor-service", "rollback-service", "notify-service", "postmortem-service",
                "deploy-service-2", "rollback-service-2");
    }

    @Test
    void malformedRecordsCarryTheirMarkerAndAreNotReadable() {
        assertThat(MalformedRecords.value("chaos-x-m1", MalformedRecords.NOT_JSON)).startsWith("{not json")
                .contains("chaos-x-m1");
        assertThat(MalformedRecords.value("chaos-x-m2", MalformedRecords.INCOMPLETE_CLOUDEVENT))
                .contains("\"specversion\":\"1.0\"").contains("chaos-x-m2").doesNotContain("\"id\"")
                .doesNotContain("\"type\"");
    }
}
