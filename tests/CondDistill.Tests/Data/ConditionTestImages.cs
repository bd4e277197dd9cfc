using CondDistill.Data;
using TorchSharp;

namespace CondDistill.Tests.Data;

/// <summary>Small image batches shared by the condition task tests.</summary>
internal static class ConditionTestImages
{
    private static readonly Lazy<float[]> firstTestImages = new(() =>
    {
        using var batch = FashionMnist.Open().Load(DatasetSplit.Test, 0, 16);
        return batch.Images.data<float>().ToArray();
    });

    /// <summary>Test images 0..count-1 (count at most 16), [count, 1, 28, 28].</summary>
    public static torch.Tensor RealImages(int count = 16) =>
        torch.tensor(firstTestImages.Value.AsSpan(0, count * 784).ToArray(), [count, 1, 28, 28]);

    /// <summary>One 28x28 image whose pixel (r, c) is (28 r + c) / 1000.</summary>
    public static torch.Tensor Ramp()
    {
        float[] values = new float[784];
        for (int r = 0; r < 28; r++)
            for (int c = 0; c < 28; c++)
                values[r * 28 + c] = (28 * r + c) / 1000f;
        return torch.tensor(values, [1, 1, 28, 28]);
    }

    /// <summary>Dataset indices start .. start+count-1.</summary>
    public static long[] Indices(int count, long start = 0) => Enumerable.Range(0, count).Select(i => start + i).ToArray();
}
