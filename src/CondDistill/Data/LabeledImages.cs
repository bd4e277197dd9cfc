using TorchSharp;

namespace CondDistill.Data;

/// <summary>
/// Images and labels loaded from a dataset, with the dataset index of each row (the key that
/// per-sample condition randomness is derived from). Disposing disposes both tensors.
/// </summary>
/// <param name="Images">float32 [N, 1, H, W] in [-1, 1] (pixel / 127.5 - 1), on the CPU.</param>
/// <param name="Labels">int64 [N] class indices, on the CPU.</param>
/// <param name="Indices">The dataset index of each row, length N.</param>
public sealed record LabeledImages(torch.Tensor Images, torch.Tensor Labels, long[] Indices) : IDisposable
{
    /// <summary>Number of rows.</summary>
    public int Count => Indices.Length;

    /// <summary>Disposes <see cref="Images"/> and <see cref="Labels"/>.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
