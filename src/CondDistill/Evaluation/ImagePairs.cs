using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>Shared input handling of the full-reference image metrics.</summary>
internal static class ImagePairs
{
    /// <summary>Throws unless both are non-empty [N, C, H, W] tensors of the same shape.</summary>
    internal static void Check(Tensor images, Tensor references, string metric)
    {
        if (images.dim() != 4 || !images.shape.SequenceEqual(references.shape) || images.shape[0] == 0)
            throw new ArgumentException(
                $"{metric} needs images and references of the same non-empty shape [N, C, H, W], got [{string.Join(", ", images.shape)}] and [{string.Join(", ", references.shape)}].");
    }

    /// <summary>Clamps [-1, 1] images and maps them to [0, 1], float64 on the CPU.</summary>
    internal static Tensor ToUnitRange(Tensor images) =>
        images.detach().to(ScalarType.Float64, CPU).clamp(-1.0, 1.0).add(1.0).div(2.0);
}
