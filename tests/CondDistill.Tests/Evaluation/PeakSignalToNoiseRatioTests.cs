using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class PeakSignalToNoiseRatioTests
{
    [Fact]
    public void IdenticalImagesGiveInfinityWithoutThrowing()
    {
        using var scope = NewDisposeScope();
        var images = rand(new long[] { 3, 1, 28, 28 }, generator: new Generator(1)) * 2 - 1;
        Assert.All(PeakSignalToNoiseRatio.PerImage(images, images), value => Assert.Equal(double.PositiveInfinity, value));
        Assert.Equal(double.PositiveInfinity, PeakSignalToNoiseRatio.Pooled(images, images));
        Assert.Equal(PeakSignalToNoiseRatio.DefaultCapDecibels, PeakSignalToNoiseRatio.Mean(images, images));
    }

    [Fact]
    public void ConstantErrorOfOneTenthOfTheRangeIsTwentyDecibels()
    {
        // 0.2 on the [-1, 1] scale is 0.1 on [0, 1]: MSE 0.01, PSNR = 10 log10(100) = 20 dB.
        using var scope = NewDisposeScope();
        var reference = zeros(2, 1, 28, 28);
        Assert.All(PeakSignalToNoiseRatio.PerImage(reference + 0.2, reference), value => Assert.Equal(20.0, value, 4));
    }

    [Fact]
    public void MeanCapsInfinitiesAndPooledAveragesTheErrors()
    {
        // Image 0: error 0.1 (20 dB), image 1: exact (+inf). Mean = (20 + 100) / 2; pooled MSE 0.005 -> 23.0103 dB.
        using var scope = NewDisposeScope();
        var reference = zeros(2, 1, 4, 4);
        var images = cat(new[] { full(1, 1, 4, 4, 0.2f), zeros(1, 1, 4, 4) }, 0);
        Assert.Equal(60.0, PeakSignalToNoiseRatio.Mean(images, reference), 4);
        Assert.Equal(10 * Math.Log10(200), PeakSignalToNoiseRatio.Pooled(images, reference), 4);
    }

    [Fact]
    public void ValuesBeyondTheRangeAreClampedBeforeComparison()
    {
        using var scope = NewDisposeScope();
        var reference = ones(1, 1, 4, 4);
        Assert.Equal(double.PositiveInfinity, PeakSignalToNoiseRatio.PerImage(reference * 1.5, reference)[0]);
    }

    [Fact]
    public void MatchesScikitImage()
    {
        // Golden: tests/parity/evaluation_goldens.py ("PSNR seed 13"), skimage.metrics.peak_signal_noise_ratio(data_range=1).
        using var scope = NewDisposeScope();
        var (images, noisy) = GoldenImages.Seed13();
        var expected = new[] { 16.725327180034707, 17.225943599556786, 17.49089106398491 };
        var actual = PeakSignalToNoiseRatio.PerImage(noisy, images);
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => PeakSignalToNoiseRatio.PerImage(zeros(2, 1, 4, 4), zeros(3, 1, 4, 4)));
    }
}
