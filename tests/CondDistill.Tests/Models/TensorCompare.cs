using static TorchSharp.torch;

namespace CondDistill.Tests.Models;

internal static class TensorCompare
{
    /// <summary>Bit-for-bit equality (same shape, dtype and values), like torch.equal.</summary>
    internal static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
