using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Kernel distance (KID, Binkowski et al. 2018): the unbiased estimator of the squared maximum mean
/// discrepancy with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over random subsets.
/// On the <see cref="FeatureExtractor"/>'s features it is reported as <b>KID-FMNIST</b>. Float64 throughout.
/// </summary>
public static class KernelDistance
{
    /// <summary>The name reports use for KID on the in-project classifier's features.</summary>
    public const string ReportName = "KID-FMNIST";

    /// <summary>
    /// KID between feature sets [N1, D] and [N2, D]: each of <paramref name="subsetCount"/> subsets draws
    /// min(<paramref name="subsetSize"/>, N1, N2) vectors without replacement from each set, using a generator
    /// seeded with <paramref name="seed"/>. When that size is both sets' whole size every subset is the
    /// whole set, so the MMD is computed once and the spread is exactly 0 (not the rounding noise of
    /// summing the same values in another order).
    /// </summary>
    public static KernelDistanceResult Compute(Tensor features1, Tensor features2, int subsetSize = 1000, int subsetCount = 100, long seed = 0)
    {
        if (features1.dim() != 2 || features2.dim() != 2 || features1.shape[1] != features2.shape[1])
            throw new ArgumentException(
                $"KID needs two [N, D] feature sets with the same D, got [{string.Join(", ", features1.shape)}] and [{string.Join(", ", features2.shape)}].");
        if (subsetCount < 1) throw new ArgumentException($"KID subsetCount must be >= 1, got {subsetCount}.", nameof(subsetCount));
        int size = (int)Math.Min(subsetSize, Math.Min(features1.shape[0], features2.shape[0]));
        if (size < 2)
            throw new ArgumentException($"KID needs subsets of at least 2 vectors; got subsetSize {subsetSize} with set sizes {features1.shape[0]} and {features2.shape[0]}.");
        using var scope = NewDisposeScope();
        var x = features1.detach().to(ScalarType.Float64, CPU);
        var y = features2.detach().to(ScalarType.Float64, CPU);
        if (size == x.shape[0] && size == y.shape[0])
            return new KernelDistanceResult(UnbiasedMmdSquared(x, y), 0.0, size, subsetCount);
        var generator = new Generator(unchecked((ulong)seed));
        var values = new double[subsetCount];
        for (int i = 0; i < subsetCount; i++)
        {
            using var subsetScope = NewDisposeScope();
            var xs = x.index_select(0, randperm(x.shape[0], generator: generator).narrow(0, 0, size));
            var ys = y.index_select(0, randperm(y.shape[0], generator: generator).narrow(0, 0, size));
            values[i] = UnbiasedMmdSquared(xs, ys);
        }
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / subsetCount);
        return new KernelDistanceResult(mean, std, size, subsetCount);
    }

    /// <summary>
    /// Unbiased MMD^2 between samples x [m, D] and y [n, D] (m, n >= 2):
    /// sum_{i != j} k(x_i, x_j) / (m(m-1)) + sum_{i != j} k(y_i, y_j) / (n(n-1)) - 2 sum_{i,j} k(x_i, y_j) / (mn).
    /// </summary>
    public static double UnbiasedMmdSquared(Tensor x, Tensor y)
    {
        if (x.dim() != 2 || y.dim() != 2 || x.shape[1] != y.shape[1] || x.shape[0] < 2 || y.shape[0] < 2)
            throw new ArgumentException(
                $"Unbiased MMD^2 needs x [m, D] and y [n, D] with m, n >= 2, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        using var scope = NewDisposeScope();
        var a = x.to(ScalarType.Float64);
        var b = y.to(ScalarType.Float64);
        double m = a.shape[0], n = b.shape[0];
        var kxx = PolynomialKernel(a, a);
        var kyy = PolynomialKernel(b, b);
        var kxy = PolynomialKernel(a, b);
        double sumXX = (kxx.sum() - kxx.diagonal().sum()).item<double>();
        double sumYY = (kyy.sum() - kyy.diagonal().sum()).item<double>();
        double sumXY = kxy.sum().item<double>();
        return sumXX / (m * (m - 1)) + sumYY / (n * (n - 1)) - 2 * sumXY / (m * n);
    }

    /// <summary>Kernel matrix (x y^T / D + 1)^3 for x [m, D], y [n, D].</summary>
    public static Tensor PolynomialKernel(Tensor x, Tensor y) => (x.matmul(y.t()) / x.shape[1] + 1).pow(3);
}
