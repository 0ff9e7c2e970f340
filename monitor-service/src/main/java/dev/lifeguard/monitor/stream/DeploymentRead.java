package dev.lifeguard.monitor.stream;

/** The reader's verdict on one record of the deployments topic: a change, or why it is dead-lettered. */
public record DeploymentRead(DeploymentChange change, String original, String deadLetterReason) {

    public boolean deadLetter() {
        return deadLetterReason != null;
    }
}
