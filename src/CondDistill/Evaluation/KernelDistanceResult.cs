namespace CondDistill.Evaluation;

/// <summary>KID estimate: the unbiased MMD^2 averaged over random subsets, with its spread.</summary>
/// <param name="Mean">Mean of the per-subset unbiased MMD^2 (can be slightly negative when the sets match).</param>
/// <param name="StandardDeviation">Population standard deviation (divisor = subset count) of the per-subset values.</param>
/// <param name="SubsetSize">Vectors drawn from each set per subset (the requested size, capped at the smaller set).</param>
/// <param name="SubsetCount">Number of subsets.</param>
public sealed record KernelDistanceResult(double Mean, double StandardDeviation, int SubsetSize, int SubsetCount);
