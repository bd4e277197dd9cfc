using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// What a UNet encoder produces: the skip tensors (the input conv output first, then every
/// residual block and downsampling output, in order) and the middle block output.
/// </summary>
/// <param name="Skips">Skip tensors, consumed by the decoder in reverse order.</param>
/// <param name="Middle">Output of the middle block.</param>
public sealed record EncoderFeatures(IReadOnlyList<Tensor> Skips, Tensor Middle);
