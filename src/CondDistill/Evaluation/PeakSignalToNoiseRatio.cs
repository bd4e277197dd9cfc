using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// PSNR in decibels against ground truth. Inputs are images in [-1, 1] (any [N, C, H, W]); both are clamped
/// to [-1, 1] (the image as it would be saved) and rescaled to [0, 1], so PSNR = 10 log10(1 / MSE) with data
/// range 1. Identical images give +infinity (no exception). Aggregation over a set: <see cref="Mean"/>
/// averages per-image PSNR with each value capped at <see cref="DefaultCapDecibels"/> (the usual
/// super-resolution convention, kept finite); <see cref="Pooled"/> is the PSNR of the mean MSE.
/// </summary>
public static class PeakSignalToNoiseRatio
{
    /// <summary>Cap applied to per-image values by <see cref="Mean"/>: 100 dB, i.e. RMS error 1e-5 of the range.</summary>
    public const double DefaultCapDecibels = 100.0;

    /// <summary>10 log10(1 / mse); +infinity when mse is 0.</summary>
    public static double FromMeanSquaredError(double meanSquaredError) =>
        meanSquaredError <= 0 ? double.PositiveInfinity : 10.0 * Math.Log10(1.0 / meanSquaredError);

    /// <summary>Per-image mean squared error on the [0, 1] scale, float64.</summary>
    public static double[] MeanSquaredErrors(Tensor images, Tensor references)
    {
        ImagePairs.Check(images, references, "PSNR");
        using var scope = NewDisposeScope();
        var difference = ImagePairs.ToUnitRange(images) - ImagePairs.ToUnitRange(references);
        return difference.pow(2).flatten(1).mean(new long[] { 1 }).data<double>().ToArray();
    }

    /// <summary>Per-image PSNR in dB (+infinity for an exact match).</summary>
    public static double[] PerImage(Tensor images, Tensor references) =>
        MeanSquaredErrors(images, references).Select(FromMeanSquaredError).ToArray();

    /// <summary>Mean over images of per-image PSNR, each capped at <paramref name="capDecibels"/>.</summary>
    public static double Mean(Tensor images, Tensor references, double capDecibels = DefaultCapDecibels) =>
        PerImage(images, references).Select(value => Math.Min(value, capDecibels)).Average();

    /// <summary>PSNR of the mean squared error over all images (+infinity only if every image matches exactly).</summary>
    public static double Pooled(Tensor images, Tensor references) =>
        FromMeanSquaredError(MeanSquaredErrors(images, references).Average());
}
