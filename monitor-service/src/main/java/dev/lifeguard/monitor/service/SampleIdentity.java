package dev.lifeguard.monitor.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;

/**
 * What a metric sample is, independent of where it travelled: the same measurement re-sent, replayed after a
 * topic reset or mirrored from another cluster has the same identity and is stored once. The identity is the
 * target, version, metric, source (instance label, when the sample has one) and timestamp at microsecond
 * precision. A sample without a timestamp cannot be recognised again, so it is always new.
 */
public final class SampleIdentity {

    private SampleIdentity() {
    }

    public static String of(ReportedSample sample) {
        if (sample.timestamp() == null) {
            return "undated-" + UUID.randomUUID();
        }
        String timestamp = sample.timestamp().withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        // NUL cannot occur in the JSON strings these come from, so the fields cannot run into each other.
        String identity = String.join("\u0000", sample.service(), sample.environment(), sample.version(),
                sample.metric(), sample.source() == null ? "" : sample.source(), timestamp);
        return HexFormat.of().formatHex(sha256(identity));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
