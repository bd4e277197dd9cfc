namespace CondDistill.Models;

/// <summary>Result of <see cref="TrainingStepBenchmark.Measure"/>.</summary>
/// <param name="Config">The measured configuration.</param>
/// <param name="ParameterCount">Parameters of the UNet.</param>
/// <param name="AdapterParameterCount">Parameters of a ControlNet adapter (1 condition channel, default options) on it.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="Threads">TorchSharp intra-op threads during the measurement.</param>
/// <param name="MedianMilliseconds">Median wall-clock time of one step (forward, backward, AdamW) after warm-up.</param>
/// <param name="StepMilliseconds">Every timed step, in order.</param>
public sealed record TrainingStepTiming(UNetConfig Config, long ParameterCount, long AdapterParameterCount, int BatchSize, int Threads,
    double MedianMilliseconds, IReadOnlyList<double> StepMilliseconds);
