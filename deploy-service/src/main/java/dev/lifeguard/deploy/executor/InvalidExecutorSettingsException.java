package dev.lifeguard.deploy.executor;

/** A target's executor settings are wrong; {@code setting} is the name within the executor's settings object. */
public class InvalidExecutorSettingsException extends RuntimeException {

    private final String setting;

    public InvalidExecutorSettingsException(String setting, String message) {
        super(message);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
