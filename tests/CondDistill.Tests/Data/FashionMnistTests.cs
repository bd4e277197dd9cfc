using CondDistill.Data;
using TorchSharp;

namespace CondDistill.Tests.Data;

/// <summary>Tests on the shipped data/fashion-mnist files (found by walking up from the test binaries).</summary>
public sealed class FashionMnistTests
{
    private static readonly FashionMnist dataset = FashionMnist.Open();

    [Fact]
    public void ShippedFolderIsFoundByWalkingUp()
    {
        Assert.EndsWith(Path.Combine("data", "fashion-mnist"), dataset.Folder);
        Assert.EndsWith("train-images-idx3-ubyte.gz", dataset.ImagesPath(DatasetSplit.Train));
        Assert.EndsWith("t10k-labels-idx1-ubyte.gz", dataset.LabelsPath(DatasetSplit.Test));
    }

    [Fact]
    public void SplitsHaveTheDocumentedCounts()
    {
        Assert.Equal(60000, dataset.Count(DatasetSplit.Train));
        Assert.Equal(10000, dataset.Count(DatasetSplit.Test));
    }

    [Fact]
    public void TestSplitIsFloatInExactlyMinusOneToOneWithInt64Labels()
    {
        using var all = dataset.Load(DatasetSplit.Test);

        Assert.Equal(new long[] { 10000, 1, 28, 28 }, all.Images.shape);
        Assert.Equal(torch.ScalarType.Float32, all.Images.dtype);
        Assert.Equal(new long[] { 10000 }, all.Labels.shape);
        Assert.Equal(torch.ScalarType.Int64, all.Labels.dtype);
        Assert.Equal(-1f, all.Images.min().item<float>());
        Assert.Equal(1f, all.Images.max().item<float>());
        Assert.Equal(Enumerable.Repeat(1000L, 10), all.Labels.bincount(null).data<long>().ToArray()); // balanced classes
    }

    [Fact]
    public void FirstLabelsAndAKnownRowMatchTheFiles()
    {
        // Values read with Python's gzip + numpy from the same files.
        using var train = dataset.Load(DatasetSplit.Train, 0, 10);
        using var test = dataset.Load(DatasetSplit.Test, 0, 10);

        Assert.Equal(new long[] { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 }, train.Labels.data<long>().ToArray());
        Assert.Equal(new long[] { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 }, test.Labels.data<long>().ToArray());
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[(int)train.Labels[0].item<long>()]);
        byte[] row14 = [0, 0, 237, 226, 217, 223, 222, 219];
        float[] expected = row14.Select(p => (float)(p / 127.5 - 1.0)).ToArray();
        Assert.Equal(expected, train.Images[0, 0, 14, torch.TensorIndex.Slice(10, 18)].data<float>().ToArray());
        Assert.Equal(1f, train.Images[0, 0, 14, 25].item<float>()); // a 255 pixel
    }

    [Fact]
    public void RangeAndIndexSelectionEqualSlicingTheWholeSplit()
    {
        using var all = dataset.Load(DatasetSplit.Test);
        using var range = dataset.Load(DatasetSplit.Test, start: 9990);
        using var picked = dataset.Load(DatasetSplit.Test, [7L, 9999L, 7L]);

        Assert.Equal(Enumerable.Range(9990, 10).Select(i => (long)i), range.Indices);
        Assert.True(range.Images.SameAs(all.Images[torch.TensorIndex.Slice(9990, 10000)]));
        Assert.True(range.Labels.SameAs(all.Labels[torch.TensorIndex.Slice(9990, 10000)]));
        using var rows = torch.tensor(new long[] { 7, 9999, 7 });
        Assert.True(picked.Images.SameAs(all.Images.index_select(0, rows)));
        Assert.True(picked.Labels.SameAs(all.Labels.index_select(0, rows)));
    }

    [Fact]
    public void EveryLoadReturnsFreshTensors()
    {
        using var first = dataset.Load(DatasetSplit.Test, 0, 2);
        first.Images.fill_(0f);
        using var second = dataset.Load(DatasetSplit.Test, 0, 2);

        Assert.Equal(-1f, second.Images.min().item<float>());
    }

    [Theory]
    [InlineData(-1, 5)]
    [InlineData(9999, 2)]
    [InlineData(10001, null)]
    [InlineData(0, -3)]
    public void RangeOutsideTheSplitIsRejectedWithTheSplitSize(int start, int? count)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Load(DatasetSplit.Test, start, count));
        Assert.Contains("Test split of 10000 items", error.Message);
    }

    [Fact]
    public void IndexOutsideTheSplitIsRejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Load(DatasetSplit.Test, [0L, 10000L]));
        Assert.Contains("Index 10000 (position 1)", error.Message);
    }

    [Fact]
    public void ClassNamesAreTheTenFashionMnistClasses()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.ClassNames);
    }

    [Theory]
    [InlineData(0, -1f)]
    [InlineData(255, 1f)]
    [InlineData(51, -0.6f)]
    public void PixelsScaleTo127Point5Units(byte pixel, float expected) => Assert.Equal(expected, FashionMnist.ScalePixel(pixel), 6);
}
