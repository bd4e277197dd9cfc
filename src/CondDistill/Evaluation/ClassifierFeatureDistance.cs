using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// An LPIPS-style perceptual distance on the in-project classifier (<see cref="FeatureExtractor.LayerFeatures"/>):
/// per layer, each spatial position's channel vector is scaled to unit L2 norm, the squared difference is
/// summed over channels and averaged over positions; the result is averaged over the four layers.
/// There are no learned layer weights, so it is <b>not LPIPS</b> and its values are not comparable with
/// published LPIPS numbers; report it as "LPIPS-style (classifier features)". Range [0, 4]; 0 for identical images.
/// </summary>
public static class ClassifierFeatureDistance
{
    /// <summary>The name reports use.</summary>
    public const string ReportName = "LPIPS-style classifier-feature distance";

    private const double NormEpsilon = 1e-10;

    /// <summary>Per-image distance between <paramref name="images"/> and <paramref name="references"/> (float32 [N, 1, 28, 28] in [-1, 1]).</summary>
    public static double[] PerImage(FeatureExtractor extractor, Tensor images, Tensor references, int batchSize = 250)
    {
        ImagePairs.Check(images, references, "Classifier feature distance");
        if (batchSize < 1) throw new ArgumentException($"batchSize must be >= 1, got {batchSize}.", nameof(batchSize));
        var result = new List<double>((int)images.shape[0]);
        for (long start = 0; start < images.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(batchSize, images.shape[0] - start);
            var layers1 = extractor.LayerFeatures(images.narrow(0, start, size));
            var layers2 = extractor.LayerFeatures(references.narrow(0, start, size));
            result.AddRange(FromLayerFeatures(layers1, layers2).data<double>().ToArray());
        }
        return result.ToArray();
    }

    /// <summary>Mean per-image distance over the set.</summary>
    public static double Mean(FeatureExtractor extractor, Tensor images, Tensor references, int batchSize = 250) =>
        PerImage(extractor, images, references, batchSize).Average();

    /// <summary>
    /// The distance from given feature maps: lists of [B, C_l, H_l, W_l] tensors, one per layer, the same shapes in both
    /// lists. Returns float64 [B] on the CPU.
    /// </summary>
    public static Tensor FromLayerFeatures(IReadOnlyList<Tensor> layers1, IReadOnlyList<Tensor> layers2)
    {
        if (layers1.Count == 0 || layers1.Count != layers2.Count)
            throw new ArgumentException($"Classifier feature distance needs the same non-zero number of layers on both sides, got {layers1.Count} and {layers2.Count}.");
        using var scope = NewDisposeScope();
        Tensor? total = null;
        for (int l = 0; l < layers1.Count; l++)
        {
            if (layers1[l].dim() != 4 || !layers1[l].shape.SequenceEqual(layers2[l].shape))
                throw new ArgumentException(
                    $"Layer {l}: feature maps must be [B, C, H, W] of equal shape, got [{string.Join(", ", layers1[l].shape)}] and [{string.Join(", ", layers2[l].shape)}].");
            var a = UnitChannels(layers1[l]);
            var b = UnitChannels(layers2[l]);
            var layerDistance = (a - b).pow(2).sum(1).mean(new long[] { 1, 2 });
            total = total is null ? layerDistance : total + layerDistance;
        }
        return (total! / layers1.Count).MoveToOuterDisposeScope();
    }

    private static Tensor UnitChannels(Tensor features)
    {
        var x = features.detach().to(ScalarType.Float64, CPU);
        return x / (x.pow(2).sum(1, keepdim: true).sqrt() + NormEpsilon);
    }
}
