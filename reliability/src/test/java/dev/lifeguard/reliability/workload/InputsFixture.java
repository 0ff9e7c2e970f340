package dev.lifeguard.reliability.workload;

import java.time.Instant;
import java.util.List;

/** Ledger entries as a finished pipeline leaves them, for tests of the verifier. */
public final class InputsFixture {

    private InputsFixture() {
    }

    /** A target whose v1, v2 and every sample were acknowledged. */
    public static Inputs.TargetInputs acknowledged(Inputs inputs, Target target, String chainId) {
        Inputs.TargetInputs record = inputs.register(target, "ci-" + target.index(), chainId);
        record.stableReported(true);
        record.ciAcked(true);
        Instant deployedAt = Instant.parse("2026-12-02T10:00:00Z");
        record.newVersionDeployedAt(deployedAt);
        List<Double> rates = target.errorRates();
        for (int i = 0; i < rates.size(); i++) {
            record.sampleSent();
            record.sampleAcked(new Inputs.Sample(i, rates.get(i), deployedAt.plusMillis(i + 1L),
                    i % 2 == 0 ? Inputs.Transport.KAFKA : Inputs.Transport.REST));
        }
        record.finish();
        return record;
    }
}
