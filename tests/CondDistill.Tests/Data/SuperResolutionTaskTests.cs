using CondDistill.Data;
using TorchSharp;
using static CondDistill.Tests.Data.ConditionTestImages;

namespace CondDistill.Tests.Data;

public sealed class SuperResolutionTaskTests
{
    [Theory]
    // Ramp pixel (r, c) = (28 r + c) / 1000, so a block mean is (28 * mean row + mean column) / 1000.
    [InlineData(4, 0, 0, 0.0435)]   // rows 0-3, cols 0-3: 28 * 1.5 + 1.5 = 43.5
    [InlineData(4, 5, 9, 0.1635)]   // rows 4-7, cols 8-11: 28 * 5.5 + 9.5 = 163.5
    [InlineData(4, 27, 27, 0.7395)] // rows 24-27, cols 24-27: 28 * 25.5 + 25.5 = 739.5
    [InlineData(2, 0, 0, 0.0145)]   // rows 0-1, cols 0-1: 28 * 0.5 + 0.5 = 14.5
    [InlineData(2, 3, 6, 0.0765)]   // rows 2-3, cols 6-7: 28 * 2.5 + 6.5 = 76.5
    public void ConditionAtAPixelIsTheMeanOfItsBlock(int factor, int row, int column, double expected)
    {
        using var ramp = Ramp();
        using var condition = new SuperResolutionTask(factor).Compute(ramp, [0L], seed: 0);

        Assert.Equal(expected, condition[0, 0, row, column].item<float>(), 6);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void WholeConditionEqualsBlockMeansComputedByHand(int factor)
    {
        float[] expected = new float[784];
        double half = (factor - 1) / 2.0;
        for (int r = 0; r < 28; r++)
            for (int c = 0; c < 28; c++)
                expected[r * 28 + c] = (float)((28 * (r / factor * factor + half) + (c / factor * factor + half)) / 1000);
        using var ramp = Ramp();

        using var condition = new SuperResolutionTask(factor).Compute(ramp, [0L], seed: 0);

        float[] actual = condition.data<float>().ToArray();
        for (int i = 0; i < 784; i++) Assert.Equal(expected[i], actual[i], 6);
    }

    [Fact]
    public void DegradeIsTheAveragePoolAtLowResolution()
    {
        var task = new SuperResolutionTask(4);
        using var ramp = Ramp();

        using var low = task.Degrade(ramp);

        Assert.Equal(new long[] { 1, 1, 7, 7 }, low.shape);
        Assert.Equal(0.1635f, low[0, 0, 1, 2].item<float>(), 6);
        Assert.Equal("super-resolution x4: nearest-upsampled 4x4 average pool", task.Description);
    }

    [Fact]
    public void NoiseIsPerSampleBlockConstantAndHasTheRequestedScale()
    {
        var clean = new SuperResolutionTask(2);
        var noisy = new SuperResolutionTask(2, noiseStd: 0.05);
        using var images = RealImages(16);
        using var reference = clean.Compute(images, Indices(16), seed: 5);

        using var first = noisy.Compute(images, Indices(16), seed: 5);
        using var otherSeed = noisy.Compute(images, Indices(16), seed: 6);
        using var cleanOtherSeed = clean.Compute(images, Indices(16), seed: 6);

        using var difference = noisy.Degrade(first).sub(noisy.Degrade(reference));
        double std = difference.std().item<float>();
        Assert.InRange(std, 0.04, 0.06); // 16 x 196 draws of N(0, 0.05^2), few clamped
        Assert.True(first.SameAs(noisy.Upsample(noisy.Degrade(first)))); // constant over each 2x2 block
        Assert.False(first.SameAs(otherSeed));
        Assert.True(reference.SameAs(cleanOtherSeed)); // without noise the seed plays no part
        Assert.Equal("sr2", noisy.Name);
    }

    [Fact]
    public void ConsistencyErrorIsTheMeanSquaredLowResolutionDifference()
    {
        var task = new SuperResolutionTask(4);
        using var ramp = Ramp();
        using var condition = task.Compute(ramp, [0L], seed: 0);

        // Adding 0.5 inside one 4x4 block moves that block's mean by 0.5: error = 0.25 / 49 blocks.
        using var output = ramp.clone();
        output[0, 0, torch.TensorIndex.Slice(8, 12), torch.TensorIndex.Slice(4, 8)].add_(0.5f);
        using var error = task.ConsistencyError(output, condition);

        Assert.Equal(0.25 / 49, error.item<float>(), 6);
    }
}
