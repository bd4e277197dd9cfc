using System.Globalization;
using System.Text;
using CondDistill.Diffusion;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Calibrates FD-FMNIST against a known defect: real images plus Gaussian pixel noise of standard
/// deviation sigma (clamped to [-1, 1]) are compared with a reference set. The curve says what a model's
/// FD-FMNIST means in pixels, e.g. "as far from the test set as real images with 5 grey levels of noise";
/// sigma = 0 is the floor (clean real images). Each image's noise comes from its own seed
/// (<see cref="SeededNoise"/>) and the same noise pattern is scaled for every sigma, so the curve does not
/// depend on batching.
/// </summary>
public static class NoiseCalibration
{
    /// <summary>Noise levels measured by default, in [-1, 1] pixel units (0 to about 10 grey levels).</summary>
    public static IReadOnlyList<double> DefaultSigmas { get; } = [0, 0.005, 0.01, 0.02, 0.03, 0.04, 0.06, 0.08];

    /// <summary>Seed of image 0's noise (image i uses this + i).</summary>
    public const long DefaultSeedBase = 3_000_000_000;

    /// <summary>Measures FD-FMNIST of <paramref name="clean"/> + sigma noise against <paramref name="reference"/> for each sigma.</summary>
    /// <param name="extractor">The feature extractor of FD-FMNIST.</param>
    /// <param name="clean">Real images [N, 1, 28, 28] in [-1, 1] (N >= 2).</param>
    /// <param name="reference">The set FD is measured against, e.g. the test images.</param>
    /// <param name="sigmas">Noise standard deviations (each >= 0).</param>
    /// <param name="seedBase">Seed of image 0's noise.</param>
    public static IReadOnlyList<NoiseCalibrationPoint> Measure(
        FeatureExtractor extractor, Tensor clean, Tensor reference, IReadOnlyList<double> sigmas, long seedBase = DefaultSeedBase)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(reference);
        using var scope = NewDisposeScope();
        using var referenceStatistics = FeatureStatistics.Of(extractor.Features(reference));
        return Measure(extractor, clean, referenceStatistics, sigmas, seedBase);
    }

    /// <summary>As above, against the reference set's precomputed feature statistics (compute them once when several things are compared with it).</summary>
    public static IReadOnlyList<NoiseCalibrationPoint> Measure(
        FeatureExtractor extractor, Tensor clean, FeatureStatistics reference, IReadOnlyList<double> sigmas, long seedBase = DefaultSeedBase)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(sigmas);
        if (sigmas.Count == 0) throw new ArgumentException("Noise calibration: give at least one sigma (0 gives the floor).", nameof(sigmas));
        foreach (double sigma in sigmas)
            if (!(sigma >= 0) || double.IsInfinity(sigma))
                throw new ArgumentOutOfRangeException(nameof(sigmas), sigma, "Noise calibration: every sigma must be a finite number >= 0 (pixel units of [-1, 1]).");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var images = clean.to(extractor.Device);
        var pattern = NoisePattern(images, seedBase);
        var points = new List<NoiseCalibrationPoint>();
        foreach (double sigma in sigmas)
        {
            using var step = NewDisposeScope();
            using var statistics = FeatureStatistics.Of(extractor.Features(WithNoise(images, pattern, sigma)));
            points.Add(new NoiseCalibrationPoint(sigma, sigma * 127.5, FrechetDistance.TermsFromStatistics(statistics, reference)));
        }
        return points;
    }

    /// <summary>The N(0, 1) noise pattern of each image of <paramref name="images"/> [N, C, H, W]: image i uses seed <paramref name="seedBase"/> + i.</summary>
    public static Tensor NoisePattern(Tensor images, long seedBase = DefaultSeedBase)
    {
        ArgumentNullException.ThrowIfNull(images);
        var seeds = Enumerable.Range(0, (int)images.shape[0]).Select(i => seedBase + i).ToList();
        return SeededNoise.Normal([images.shape[1], images.shape[2], images.shape[3]], seeds, images.device, images.dtype);
    }

    /// <summary>clamp(images + sigma pattern, -1, 1); the images themselves when sigma is 0.</summary>
    public static Tensor WithNoise(Tensor images, Tensor pattern, double sigma) =>
        sigma == 0 ? images.alias() : (images + sigma * pattern).clamp(-1, 1);

    /// <summary>
    /// The noise level at which the calibration curve reaches <paramref name="fd"/>, by linear interpolation
    /// between the two bracketing points; null when <paramref name="fd"/> lies outside the measured range
    /// or the curve is not increasing there.
    /// </summary>
    public static double? EquivalentSigma(IReadOnlyList<NoiseCalibrationPoint> points, double fd)
    {
        ArgumentNullException.ThrowIfNull(points);
        var sorted = points.OrderBy(p => p.Sigma).ToList();
        for (int i = 1; i < sorted.Count; i++)
        {
            double low = sorted[i - 1].Distance.Total, high = sorted[i].Distance.Total;
            if (high > low && fd >= low && fd <= high)
                return sorted[i - 1].Sigma + (fd - low) / (high - low) * (sorted[i].Sigma - sorted[i - 1].Sigma);
        }
        return null;
    }

    /// <summary>The curve as a Markdown table.</summary>
    public static string ToMarkdown(IReadOnlyList<NoiseCalibrationPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var text = new StringBuilder();
        text.AppendLine("| noise sigma | grey levels | FD-FMNIST | mean term | covariance term | tr(S) noisy | tr(S) reference |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in points)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Sigma:0.###} | {p.GreyLevels:0.##} | {p.Distance.Total:F3} | {p.Distance.MeanTerm:F3} | {p.Distance.CovarianceTerm:F3} | {p.Distance.Trace1:F1} | {p.Distance.Trace2:F1} |"));
        return text.ToString();
    }
}
