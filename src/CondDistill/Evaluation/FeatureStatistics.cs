using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Mean and covariance (float64, CPU) of a feature set: the Gaussian summary that
/// <see cref="FrechetDistance"/> compares. Cache the real set's statistics once and reuse them.
/// Owns its tensors: dispose it.
/// </summary>
public sealed class FeatureStatistics : IDisposable
{
    /// <summary>Mean feature vector, float64 [D].</summary>
    public Tensor Mean { get; }

    /// <summary>Unbiased covariance (divisor N - 1), float64 [D, D].</summary>
    public Tensor Covariance { get; }

    /// <summary>Number of feature vectors summarised (0 when built from given moments).</summary>
    public long Count { get; }

    /// <summary>Wraps given moments (converted to float64 on the CPU; the inputs are not taken over).</summary>
    /// <param name="mean">[D].</param>
    /// <param name="covariance">[D, D], symmetric positive semi-definite.</param>
    /// <param name="count">How many samples they summarise, or 0 for exact moments.</param>
    public FeatureStatistics(Tensor mean, Tensor covariance, long count = 0)
    {
        if (mean.dim() != 1 || covariance.dim() != 2 || covariance.shape[0] != mean.shape[0] || covariance.shape[1] != mean.shape[0])
            throw new ArgumentException(
                $"FeatureStatistics needs mean [D] and covariance [D, D], got [{string.Join(", ", mean.shape)}] and [{string.Join(", ", covariance.shape)}].");
        Mean = mean.detach().to(ScalarType.Float64, CPU, copy: true).DetachFromDisposeScope();
        Covariance = covariance.detach().to(ScalarType.Float64, CPU, copy: true).DetachFromDisposeScope();
        Count = count;
    }

    /// <summary>Mean and unbiased covariance of features [N, D] (N >= 2), computed in float64.</summary>
    public static FeatureStatistics Of(Tensor features)
    {
        if (features.dim() != 2 || features.shape[0] < 2)
            throw new ArgumentException(
                $"Feature statistics need a [N, D] feature matrix with N >= 2, got [{string.Join(", ", features.shape)}].", nameof(features));
        using var scope = NewDisposeScope();
        var x = features.detach().to(ScalarType.Float64, CPU);
        var mean = x.mean(new long[] { 0 });
        var centred = x - mean;
        var covariance = centred.t().matmul(centred) / (x.shape[0] - 1);
        return new FeatureStatistics(mean, covariance, x.shape[0]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}
