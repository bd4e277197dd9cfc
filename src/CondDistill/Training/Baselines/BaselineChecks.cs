using static TorchSharp.torch;

namespace CondDistill.Training.Baselines;

/// <summary>Argument checks shared by the baseline methods.</summary>
internal static class BaselineChecks
{
    /// <summary>x must be [B, C, H, W] and c [B, Cc, H, W] with the same B, H, W and device.</summary>
    internal static void RequireBatch(Tensor x, Tensor c, string method)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(c);
        if (x.dim() != 4 || c.dim() != 4 || x.shape[0] != c.shape[0] || x.shape[2] != c.shape[2] || x.shape[3] != c.shape[3])
            throw new ArgumentException(
                $"{method}: x must be [B, C, H, W] and c [B, Cc, H, W] with the same B, H and W; got x [{string.Join(", ", x.shape)}] and c [{string.Join(", ", c.shape)}].");
        if (x.device_type != c.device_type || x.device_index != c.device_index)
            throw new ArgumentException($"{method}: x is on {x.device} but c is on {c.device}; move both to the model's device.");
    }
}
