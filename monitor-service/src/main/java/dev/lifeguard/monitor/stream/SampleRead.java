package dev.lifeguard.monitor.stream;

/** The reader's verdict on one record of the metrics topic: a batch for one target, or why it is dead-lettered. */
public record SampleRead(SampleBatch batch, boolean keyedByTarget, String original, String deadLetterReason) {

    public boolean deadLetter() {
        return deadLetterReason != null;
    }
}
