using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Frechet distance between Gaussian fits of two feature sets,
/// |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr sqrt(S1^(1/2) S2 S1^(1/2)), all in float64.
/// On the <see cref="FeatureExtractor"/>'s penultimate features it is reported as <b>FD-FMNIST</b>
/// (never "FID": the features are not Inception's, and values are not comparable with published FIDs).
/// The matrix square roots come from symmetric eigendecompositions (eigenvalues clamped at 0), which is
/// stable for singular covariances (fewer samples than dimensions). Values within rounding of 0 may be
/// slightly negative; they are returned as computed.
/// </summary>
public static class FrechetDistance
{
    /// <summary>The name reports use for FD on the in-project classifier's features.</summary>
    public const string ReportName = "FD-FMNIST";

    /// <summary>FD between two feature sets [N1, D] and [N2, D].</summary>
    public static double Compute(Tensor features1, Tensor features2) => Terms(features1, features2).Total;

    /// <summary>FD between two Gaussian summaries.</summary>
    public static double FromStatistics(FeatureStatistics statistics1, FeatureStatistics statistics2) =>
        TermsFromStatistics(statistics1, statistics2).Total;

    /// <summary>FD between two feature sets [N1, D] and [N2, D], split into its mean and covariance terms.</summary>
    public static FrechetDistanceTerms Terms(Tensor features1, Tensor features2)
    {
        if (features1.dim() != 2 || features2.dim() != 2 || features1.shape[1] != features2.shape[1])
            throw new ArgumentException(
                $"Frechet distance needs two [N, D] feature sets with the same D, got [{string.Join(", ", features1.shape)}] and [{string.Join(", ", features2.shape)}].");
        using var statistics1 = FeatureStatistics.Of(features1);
        using var statistics2 = FeatureStatistics.Of(features2);
        return TermsFromStatistics(statistics1, statistics2);
    }

    /// <summary>FD between two Gaussian summaries, split into its mean and covariance terms.</summary>
    public static FrechetDistanceTerms TermsFromStatistics(FeatureStatistics statistics1, FeatureStatistics statistics2)
    {
        if (statistics1.Mean.shape[0] != statistics2.Mean.shape[0])
            throw new ArgumentException($"Frechet distance: feature dimensions differ ({statistics1.Mean.shape[0]} vs {statistics2.Mean.shape[0]}).");
        using var scope = NewDisposeScope();
        var difference = statistics1.Mean - statistics2.Mean;
        double meanTerm = difference.dot(difference).item<double>();
        double trace1 = statistics1.Covariance.trace().item<double>();
        double trace2 = statistics2.Covariance.trace().item<double>();
        double crossTerm = TraceOfSqrtProduct(statistics1.Covariance, statistics2.Covariance);
        double covarianceTerm = trace1 + trace2 - 2 * crossTerm;
        return new FrechetDistanceTerms(meanTerm, covarianceTerm, trace1, trace2);
    }

    /// <summary>tr sqrt(S1^(1/2) S2 S1^(1/2)) for symmetric PSD float64 matrices (= sum of sqrt of the eigenvalues of S1 S2).</summary>
    internal static double TraceOfSqrtProduct(Tensor covariance1, Tensor covariance2)
    {
        using var scope = NewDisposeScope();
        var root1 = SymmetricSqrt(covariance1);
        var product = root1.matmul(covariance2).matmul(root1);
        product = (product + product.t()) / 2;
        var eigenvalues = linalg.eigvalsh(product).clamp_min(0);
        return eigenvalues.sqrt().sum().item<double>();
    }

    /// <summary>Principal square root of a symmetric PSD matrix via eigh (negative rounding eigenvalues clamped to 0).</summary>
    internal static Tensor SymmetricSqrt(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        var symmetric = (matrix + matrix.t()) / 2;
        var (eigenvalues, eigenvectors) = linalg.eigh(symmetric);
        var root = (eigenvectors * eigenvalues.clamp_min(0).sqrt().unsqueeze(0)).matmul(eigenvectors.t());
        return root.MoveToOuterDisposeScope();
    }
}
