using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Diversity of several samples drawn for the same condition. Input: samples [Conditions, K, ...] (K >= 2
/// samples per condition, any image shape after that), in the units given (for [-1, 1] images distances are
/// twice those of [0, 1] images). A deterministic sampler, or a model that ignores its noise, scores 0.
/// </summary>
public static class SampleDiversity
{
    /// <summary>Mean over conditions of the mean L2 distance over the K(K-1)/2 pairs of samples of that condition.</summary>
    public static double MeanPairwiseDistance(Tensor samples)
    {
        using var scope = NewDisposeScope();
        var flat = Flatten(samples);
        long conditions = flat.shape[0], k = flat.shape[1];
        double total = 0;
        for (long c = 0; c < conditions; c++)
        {
            using var conditionScope = NewDisposeScope();
            var group = flat[c];                                              // [K, D]
            var differences = group.unsqueeze(1) - group.unsqueeze(0);        // [K, K, D], exact (no Gram-matrix shortcut)
            var distances = differences.pow(2).sum(2).sqrt();                 // [K, K], zero diagonal, symmetric
            total += distances.sum().item<double>() / (k * (k - 1));          // each pair counted twice over K(K-1) ordered pairs
        }
        return total / conditions;
    }

    /// <summary>Mean over conditions and pixels of the per-pixel standard deviation across the K samples (population, divisor K).</summary>
    public static double MeanPixelStandardDeviation(Tensor samples)
    {
        using var scope = NewDisposeScope();
        return Flatten(samples).std(1, unbiased: false).mean().item<double>();
    }

    private static Tensor Flatten(Tensor samples)
    {
        if (samples.dim() < 3 || samples.shape[1] < 2 || samples.shape[0] == 0)
            throw new ArgumentException(
                $"Diversity needs samples [Conditions, K, ...] with K >= 2 samples per condition, got [{string.Join(", ", samples.shape)}].", nameof(samples));
        return samples.detach().to(ScalarType.Float64, CPU).flatten(2);
    }
}
