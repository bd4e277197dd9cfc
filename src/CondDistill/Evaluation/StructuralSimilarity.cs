using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// SSIM (Wang et al. 2004) with an 11x11 Gaussian window (sigma 1.5), K1 = 0.01, K2 = 0.03, data range 1,
/// population (biased) local variances and 'valid' filtering (no padding: 28x28 images give an 18x18 SSIM
/// map), averaged over the map and channels; this matches scikit-image's
/// <c>structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1)</c>.
/// Inputs are images in [-1, 1] [N, C, H, W] (H, W >= 11), clamped and rescaled to [0, 1]. Identical images give 1.
/// </summary>
public static class StructuralSimilarity
{
    /// <summary>Side of the Gaussian window.</summary>
    public const int WindowSize = 11;

    /// <summary>Standard deviation of the Gaussian window in pixels.</summary>
    public const double WindowSigma = 1.5;

    private const double C1 = 0.01 * 0.01;
    private const double C2 = 0.03 * 0.03;

    /// <summary>Per-image SSIM, float64.</summary>
    public static double[] PerImage(Tensor images, Tensor references, int batchSize = 1000)
    {
        ImagePairs.Check(images, references, "SSIM");
        if (images.shape[2] < WindowSize || images.shape[3] < WindowSize)
            throw new ArgumentException($"SSIM needs images of at least {WindowSize}x{WindowSize}, got {images.shape[2]}x{images.shape[3]}.");
        if (batchSize < 1) throw new ArgumentException($"batchSize must be >= 1, got {batchSize}.", nameof(batchSize));
        var result = new List<double>((int)images.shape[0]);
        using var windowScope = NewDisposeScope();
        var window = GaussianWindow(images.shape[1]);
        for (long start = 0; start < images.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(batchSize, images.shape[0] - start);
            var x = ImagePairs.ToUnitRange(images.narrow(0, start, size));
            var y = ImagePairs.ToUnitRange(references.narrow(0, start, size));
            result.AddRange(SsimMap(x, y, window).flatten(1).mean(new long[] { 1 }).data<double>().ToArray());
        }
        return result.ToArray();
    }

    /// <summary>Mean SSIM over images.</summary>
    public static double Mean(Tensor images, Tensor references) => PerImage(images, references).Average();

    /// <summary>The SSIM map [N, C, H-10, W-10] of [0, 1] float64 images, with a depthwise window [C, 1, 11, 11].</summary>
    internal static Tensor SsimMap(Tensor x, Tensor y, Tensor window)
    {
        using var scope = NewDisposeScope();
        long channels = x.shape[1];
        Tensor Filter(Tensor t) => nn.functional.conv2d(t, window, groups: channels);
        var muX = Filter(x);
        var muY = Filter(y);
        var varianceX = Filter(x * x) - muX * muX;
        var varianceY = Filter(y * y) - muY * muY;
        var covariance = Filter(x * y) - muX * muY;
        var numerator = (2 * muX * muY + C1) * (2 * covariance + C2);
        var denominator = (muX * muX + muY * muY + C1) * (varianceX + varianceY + C2);
        return (numerator / denominator).MoveToOuterDisposeScope();
    }

    /// <summary>Normalised 11x11 Gaussian (sigma 1.5) as a float64 depthwise kernel [C, 1, 11, 11].</summary>
    internal static Tensor GaussianWindow(long channels)
    {
        using var scope = NewDisposeScope();
        var offsets = arange(WindowSize, ScalarType.Float64) - (WindowSize - 1) / 2.0;
        var profile = (-offsets.pow(2) / (2 * WindowSigma * WindowSigma)).exp();
        profile = profile / profile.sum();
        var kernel = profile.unsqueeze(1).matmul(profile.unsqueeze(0));
        return kernel.expand(channels, 1, WindowSize, WindowSize).contiguous().MoveToOuterDisposeScope();
    }
}
