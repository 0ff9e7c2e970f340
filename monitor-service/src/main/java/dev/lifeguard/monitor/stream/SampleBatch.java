package dev.lifeguard.monitor.stream;

import java.util.List;

/** Samples of one target ({@code <service>/<environment>}, the record key), in the order they were sent. */
public record SampleBatch(String service, String environment, List<TargetSample> samples) {

    public String target() {
        return service + "/" + environment;
    }
}
