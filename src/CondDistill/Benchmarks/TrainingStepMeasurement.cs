namespace CondDistill.Benchmarks;

/// <summary>Result of <see cref="TrainingStepBench.Measure"/>.</summary>
/// <param name="ParameterCount">Parameters of the UNet.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="MedianMilliseconds">Median wall-clock time of one timed step.</param>
/// <param name="StepMilliseconds">Every timed step, in order.</param>
/// <param name="FinalLoss">Loss of the last step (finite unless training diverged).</param>
/// <param name="MemoryGrowth">Resident memory between the probe's two steps, or null when the probe was off.</param>
/// <param name="MemoryReadings">During a leak probe: what resident memory is made of, every
/// <see cref="TrainingStepBench.ReadingInterval"/> steps and at the probe's two steps (empty when the probe was off).</param>
public sealed record TrainingStepMeasurement(long ParameterCount, int BatchSize, double MedianMilliseconds,
    IReadOnlyList<double> StepMilliseconds, double FinalLoss, ResidentMemoryGrowth? MemoryGrowth,
    IReadOnlyList<MemoryReading> MemoryReadings);
