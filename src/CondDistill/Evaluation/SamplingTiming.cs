namespace CondDistill.Evaluation;

/// <summary>Wall-clock cost of a sampling call, measured by <see cref="SamplingTimer"/>.</summary>
/// <param name="MillisecondsPerImage">Total timed milliseconds divided by the images produced in the timed calls.</param>
/// <param name="MedianMillisecondsPerCall">Median duration of one timed call.</param>
/// <param name="ImagesPerCall">Images returned by one call (the first dimension of its result).</param>
/// <param name="TimedCalls">Number of timed calls (the warm-up call is excluded).</param>
public sealed record SamplingTiming(double MillisecondsPerImage, double MedianMillisecondsPerCall, long ImagesPerCall, int TimedCalls);
