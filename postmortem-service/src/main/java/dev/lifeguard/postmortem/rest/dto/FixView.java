package dev.lifeguard.postmortem.rest.dto;

import dev.lifeguard.postmortem.FixDeployment;
import dev.lifeguard.postmortem.IncidentFix;

import java.time.OffsetDateTime;

/**
 * A deployment linked to the incident as its fix: {@code linkedBy} explicit (it named the incident) or candidate (the
 * first deployment of the target after the incident opened); {@code status} linked, deployed, verified or failed;
 * {@code verifiedBy} promotion or analysis; {@code failedBy} abort or analysis, with {@code failureReason}.
 */
public record FixView(String deploymentId, String service, String environment, String version, String linkedBy,
                      String status, OffsetDateTime deployedAt, OffsetDateTime verifiedAt, String verifiedBy,
                      OffsetDateTime failedAt, String failedBy, String failureReason) {

    public static FixView of(IncidentFix link, FixDeployment fix) {
        return new FixView(fix.deploymentId, fix.service, fix.environment, fix.version, link.linkedBy,
                fix.status().label(), fix.deployedAt, fix.verifiedAt, fix.verifiedBy, fix.failedAt, fix.failedBy,
                fix.failureReason);
    }
}
