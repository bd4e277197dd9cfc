using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Over-saturation check (paper finding F5): the share of pixels at or beyond the ends of [-1, 1].
/// Measure the RAW model output, before any clamping. Fashion-MNIST itself is about half pure black
/// (-1), so compare against the ground truth's own rate with <see cref="Compare"/>.
/// </summary>
public static class Saturation
{
    /// <summary>Default |x| threshold, 1 - 1/255: the pixel would round to 0 or 255 when saved as 8 bits.</summary>
    public const double DefaultThreshold = 1.0 - 1.0 / 255.0;

    /// <summary>Share of elements with |x| &gt;= <paramref name="threshold"/>.</summary>
    public static double Rate(Tensor images, double threshold = DefaultThreshold)
    {
        if (images.numel() == 0) throw new ArgumentException("Saturation rate of an empty tensor is undefined.", nameof(images));
        using var scope = NewDisposeScope();
        return images.detach().abs().ge(threshold).sum().item<long>() / (double)images.numel();
    }

    /// <summary>Rates of <paramref name="samples"/> and <paramref name="reference"/>, their ratio and difference.</summary>
    public static SaturationComparison Compare(Tensor samples, Tensor reference, double threshold = DefaultThreshold)
    {
        double sampleRate = Rate(samples, threshold);
        double referenceRate = Rate(reference, threshold);
        return new SaturationComparison(sampleRate, referenceRate, sampleRate / referenceRate, sampleRate - referenceRate, threshold);
    }
}
