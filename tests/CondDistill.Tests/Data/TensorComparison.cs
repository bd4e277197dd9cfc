using TorchSharp;

namespace CondDistill.Tests.Data;

/// <summary>Exact tensor comparison for assertions (TorchSharp's Tensor.equal is elementwise).</summary>
internal static class TensorComparison
{
    /// <summary>True when both tensors have the same shape and bit-for-bit equal values.</summary>
    public static bool SameAs(this torch.Tensor actual, torch.Tensor expected)
    {
        if (!actual.shape.SequenceEqual(expected.shape)) return false;
        using var equal = actual.eq(expected).all();
        return equal.item<bool>();
    }
}
