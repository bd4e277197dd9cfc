namespace CondDistill.Benchmarks;

/// <summary>Cost of DDIM sampling at one step count, from <see cref="SamplingBench.Measure"/>.</summary>
/// <param name="Steps">Sampling steps (network evaluations per image).</param>
/// <param name="BatchSize">Images per sampling call.</param>
/// <param name="Runs">Timed calls (after one untimed warm-up call).</param>
/// <param name="MedianMillisecondsPerBatch">Median wall-clock time of one call.</param>
public sealed record SamplingMeasurement(int Steps, int BatchSize, int Runs, double MedianMillisecondsPerBatch)
{
    /// <summary>Median call time divided by the batch size.</summary>
    public double MillisecondsPerImage => MedianMillisecondsPerBatch / BatchSize;
}
