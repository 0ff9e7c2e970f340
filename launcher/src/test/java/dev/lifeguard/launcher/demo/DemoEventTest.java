package dev.lifeguard.launcher.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class DemoEventTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dev.cdevents.service.deployed.0.3.0 | checkout 1.0.0 deployed to production (deployment d-0001)",
            "dev.cdevents.service.upgraded.0.3.0 | checkout upgraded 1.0.0 → 2.0.0 in production (stable version 1.0.0, deployment d-0002)",
            "dev.cdevents.service.rolledback.0.3.0 | checkout rolled back 2.0.0 → 1.0.0 in production (executor record)",
            "dev.cdevents.incident.detected.0.3.0 | anomaly on checkout 2.0.0: error_rate > 0.05 for 3 consecutive samples, observed 0.21, 0.34, 0.4",
            "dev.cdeventsx.lifeguard-rollback.requested.0.1.0 | rollback decided 2.0.0 → 1.0.0: error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0",
            "dev.cdeventsx.lifeguard-notification.published.0.1.0 | notification for team payments via webhook: checkout rolled back to 1.0.0 in production",
            "dev.cdevents.incident.resolved.0.3.0 | incident incident-0007 resolved: 2.0.0 → 1.0.0",
            "dev.cdeventsx.lifeguard-analysis.finished.0.1.0 | analysis of checkout 2.0.0 failed (ended by failure after 5 samples): error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0 in production",
            "dev.cdeventsx.lifeguard-rollback.failed.0.1.0 | rollback 2.0.0 → 1.0.0 FAILED with executor webhook after 3 attempt(s): webhook https://deploy.example.com/rollback answered 503 Service Unavailable (3 attempts over 1m10s)",
            "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0 | rollback 2.0.0 → 1.0.0 skipped: deployment d-0002 is no longer current: 2.1.0 replaced it",
            "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0 | rollback 2.0.0 → 1.0.0 accepted by executor manual, completion comes later: manual rollback: roll checkout back to 1.0.0 in production, then report it",
            "dev.cdeventsx.lifeguard-rollback.decided.0.1.0 | decided AWAITING_APPROVAL, rule mode-approval: policy production v3 asks for approval: roll checkout 2.0.0 back to 1.0.0? error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0",
            "dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0 | approval requested to roll back 2.0.0 → 1.0.0 (deadline 2026-11-26T10:16:22Z, then hold): policy production v3 asks for approval: roll checkout 2.0.0 back to 1.0.0? error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0",
            "dev.cdeventsx.lifeguard-rollback.escalated.0.1.0 | escalated to sre-leads (approval-timeout, then hold): nobody answered the approval within PT15M: escalated to sre-leads; held (onApprovalTimeout hold), approve or reject it by hand",
            "dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0 | storm guard tripped in production: 5 automatic rollbacks within PT1H (limit 5); automatic rollbacks there now need approval",
    })
    void summarisesEachGoldenExampleInOneLine(String type, String summary) {
        DemoEvent event = DemoEvent.parse("topic", 0, 0, "checkout/production", Examples.read(type)).orElseThrow();

        assertThat(event.type()).isEqualTo(type);
        assertThat(event.summary()).isEqualTo(summary);
        assertThat(event.service()).isEqualTo("checkout");
        assertThat(event.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
    }

    @ParameterizedTest
    @CsvSource({
            "dev.cdevents.service.deployed.0.3.0, service.deployed",
            "dev.cdevents.incident.detected.0.3.0, incident.detected",
            "dev.cdeventsx.lifeguard-rollback.requested.0.1.0, rollback.requested",
            "dev.cdeventsx.lifeguard-notification.published.0.1.0, notification.published",
            "dev.cdeventsx.lifeguard-analysis.finished.0.1.0, analysis.finished",
            "dev.cdeventsx.lifeguard-rollback.failed.0.1.0, rollback.failed",
            "dev.cdeventsx.lifeguard-rollback.dispatched.0.1.0, rollback.dispatched",
            "com.example.thing, com.example.thing",
    })
    void shortTypeIsSubjectAndPredicate(String type, String shortType) {
        assertThat(DemoEvent.shortType(type)).isEqualTo(shortType);
    }

    @Test
    void aSettledDecisionSaysWhatItWasAndWhoSettledIt() {
        DemoEvent approved = DemoEvent.parse("topic", 0, 0, "checkout/production",
                Examples.read("dev.cdeventsx.lifeguard-rollback.decided.0.1.0.approved")).orElseThrow();

        assertThat(approved.is("rollback.decided")).isTrue();
        assertThat(approved.summary()).isEqualTo("decided APPROVED (was AWAITING_APPROVAL, settled by alice), rule"
                + " approved: approved by alice (\"error rate is real, go\"): roll checkout 2.0.0 back to 1.0.0");
    }

    @Test
    void theServiceComesFromTheKeyElseFromTheEvent() {
        String json = Examples.read("dev.cdevents.service.rolledback.0.3.0");

        assertThat(DemoEvent.parse("t", 0, 0, "checkout-ab12/production", json).orElseThrow().service())
                .isEqualTo("checkout-ab12");
        assertThat(DemoEvent.parse("t", 0, 0, null, json).orElseThrow().service()).isEqualTo("checkout");
    }

    @Test
    void missingFieldsShowAsQuestionMarksAndNonJsonIsSkipped() {
        DemoEvent sparse = DemoEvent.parse("t", 0, 0, "x/y",
                "{\"type\":\"dev.cdevents.service.deployed.0.3.0\",\"data\":{}}").orElseThrow();

        assertThat(sparse.summary()).isEqualTo("? ? deployed to ? (deployment ?)");
        assertThat(DemoEvent.parse("t", 0, 0, "x/y", "not json")).isEmpty();
        assertThat(DemoEvent.parse("t", 0, 0, "x/y", "[1,2]")).isEmpty();
        assertThat(DemoEvent.parse("t", 0, 0, "x/y", null)).isEmpty();
    }
}
