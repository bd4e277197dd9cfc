using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class SaturationTests
{
    [Fact]
    public void CountsPixelsAtOrBeyondTheThreshold()
    {
        // Threshold 1 - 1/255 = 0.99608: -1, -0.999, 0.997, 1.0 and 1.2 count; -0.99, 0 and 0.5 do not -> 5 of 8.
        using var scope = NewDisposeScope();
        var images = tensor(new float[] { -1f, -0.999f, -0.99f, 0f, 0.5f, 0.997f, 1f, 1.2f }).reshape(2, 1, 2, 2);
        Assert.Equal(5.0 / 8, Saturation.Rate(images), 12);
        Assert.Equal(3.0 / 8, Saturation.Rate(images, threshold: 1.0), 12);
    }

    [Fact]
    public void ComparisonAgainstAReferenceGivesRatioAndDifference()
    {
        using var scope = NewDisposeScope();
        var samples = tensor(new float[] { 1f, -1f, 1f, 0f }).reshape(1, 1, 2, 2);   // 3/4 saturated
        var reference = tensor(new float[] { -1f, 0f, 0.2f, 0f }).reshape(1, 1, 2, 2); // 1/4 saturated
        var comparison = Saturation.Compare(samples, reference);
        Assert.Equal(new SaturationComparison(0.75, 0.25, 3.0, 0.5, Saturation.DefaultThreshold), comparison);
    }

    [Fact]
    public void UnsaturatedReferenceGivesAnInfiniteRatio()
    {
        using var scope = NewDisposeScope();
        var comparison = Saturation.Compare(ones(1, 1, 2, 2), zeros(1, 1, 2, 2));
        Assert.Equal(double.PositiveInfinity, comparison.Ratio);
    }
}
