package dev.lifeguard.monitor.stream;

/** What the analysis processor takes in: samples of a target, or a change of its deployment (exactly one is set). */
public record AnalysisInput(SampleBatch samples, DeploymentChange deployment) {

    public static AnalysisInput of(SampleBatch samples) {
        return new AnalysisInput(samples, null);
    }

    public static AnalysisInput of(DeploymentChange deployment) {
        return new AnalysisInput(null, deployment);
    }
}
