namespace CondDistill.Benchmarks;

/// <summary>Resident memory after two training steps of one run: a leak shows as growth between them.</summary>
/// <param name="FromStep">Steps completed at the first reading.</param>
/// <param name="ToStep">Steps completed at the second reading.</param>
/// <param name="FromBytes">Resident bytes at the first reading.</param>
/// <param name="ToBytes">Resident bytes at the second reading.</param>
public sealed record ResidentMemoryGrowth(long FromStep, long ToStep, long FromBytes, long ToBytes)
{
    /// <summary>The largest growth fraction still called "no leak" (5 %).</summary>
    public const double LeakThreshold = 0.05;

    /// <summary>(ToBytes - FromBytes) / FromBytes; negative when memory shrank.</summary>
    public double Fraction => FromBytes > 0 ? (ToBytes - FromBytes) / (double)FromBytes : double.NaN;

    /// <summary>Whether growth stayed below <see cref="LeakThreshold"/>.</summary>
    public bool WithinThreshold => Fraction < LeakThreshold;
}
