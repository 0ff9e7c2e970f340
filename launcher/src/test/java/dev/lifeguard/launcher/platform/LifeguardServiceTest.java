package dev.lifeguard.launcher.platform;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LifeguardServiceTest {

    @ParameterizedTest
    @CsvSource({
            "deploy, DEPLOY",
            "deploy-service, DEPLOY",
            "POSTMORTEM, POSTMORTEM",
            " notify , NOTIFY",
            "monitor-service, MONITOR",
    })
    void isFoundByShortOrModuleName(String name, LifeguardService expected) {
        assertThat(LifeguardService.byName(name)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource({"billing", "deploy-svc", "infra"})
    void unknownNamesAreNotServices(String name) {
        assertThat(LifeguardService.byName(name)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void portVariablesFollowOneScheme() {
        assertThat(LifeguardService.DEPLOY.portVariable()).isEqualTo("LIFEGUARD_DEPLOY_PORT");
        assertThat(LifeguardService.POSTMORTEM.portVariable()).isEqualTo("LIFEGUARD_POSTMORTEM_PORT");
        assertThat(LifeguardService.MONITOR.database()).isEqualTo("lifeguard_monitor");
    }

    @org.junit.jupiter.api.Test
    void locallyTheServicesThatCallUrlsFromTeamsMayCallLocalReceivers() {
        assertThat(LifeguardService.DEPLOY.localEnvironment())
                .containsEntry("LIFEGUARD_DEPLOY_ALLOW_PRIVATE_NETWORK", "true")
                .containsKey(LifeguardService.LOCAL_CI_SECRET_VARIABLE)
                .hasSize(2);
        assertThat(LifeguardService.NOTIFY.localEnvironment())
                .containsExactly(Map.entry("LIFEGUARD_NOTIFY_ALLOW_PRIVATE_NETWORK", "true"));
        assertThat(LifeguardService.MONITOR.localEnvironment()).isEmpty();
        assertThat(LifeguardService.ROLLBACK.localEnvironment()).isEmpty();
        assertThat(LifeguardService.POSTMORTEM.localEnvironment()).isEmpty();
    }
}
