package dev.lifeguard.rollback;

/** What made rollback-service decide: one decision per deployment and trigger kind (manual ones come on top). */
public enum TriggerKind {
    /** monitor-service's incident.detected. */
    ANOMALY("anomaly"),
    /** An inconclusive verdict of a deployment's full-traffic analysis (lifeguard-analysis.finished). */
    VERDICT("verdict"),
    /** POST /api/v1/rollbacks. */
    MANUAL("manual");

    private final String wire;

    TriggerKind(String wire) {
        this.wire = wire;
    }

    /** The value in the database and in {@code explanation.inputs.trigger}. */
    public String wire() {
        return wire;
    }

    /** Stored as its wire value, as the migration wrote the existing rows. */
    @jakarta.persistence.Converter
    public static class Column implements jakarta.persistence.AttributeConverter<TriggerKind, String> {

        @Override
        public String convertToDatabaseColumn(TriggerKind kind) {
            return kind == null ? null : kind.wire;
        }

        @Override
        public TriggerKind convertToEntityAttribute(String value) {
            for (TriggerKind kind : values()) {
                if (kind.wire.equals(value)) {
                    return kind;
                }
            }
            throw new IllegalStateException("unknown trigger kind '" + value + "'");
        }
    }
}
