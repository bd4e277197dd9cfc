using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class StructuralSimilarityTests
{
    [Fact]
    public void IdenticalImagesScoreOne()
    {
        using var scope = NewDisposeScope();
        var images = rand(new long[] { 4, 1, 28, 28 }, generator: new Generator(1)) * 2 - 1;
        Assert.All(StructuralSimilarity.PerImage(images, images), value => Assert.Equal(1.0, value, 6));
    }

    [Fact]
    public void MoreNoiseLowersTheScore()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(2);
        var images = rand(new long[] { 4, 1, 28, 28 }, generator: generator) * 2 - 1;
        var noise = randn(new long[] { 4, 1, 28, 28 }, generator: generator);
        double light = StructuralSimilarity.Mean((images + 0.05 * noise).clamp(-1, 1), images);
        double heavy = StructuralSimilarity.Mean((images + 0.3 * noise).clamp(-1, 1), images);
        Assert.True(light < 1.0 && heavy < light && heavy > 0, $"light {light}, heavy {heavy}");
    }

    [Fact]
    public void MatchesScikitImage()
    {
        // Golden: tests/parity/evaluation_goldens.py ("SSIM seed 13"): skimage structural_similarity with
        // gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.
        using var scope = NewDisposeScope();
        var (images, noisy) = GoldenImages.Seed13();
        var expected = new[] { 0.870247569307827, 0.8911483094313091, 0.9031770551175058 };
        var actual = StructuralSimilarity.PerImage(noisy, images, batchSize: 2);
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], actual[i], 6);
    }

    [Fact]
    public void WindowIsANormalisedGaussian()
    {
        using var scope = NewDisposeScope();
        var window = StructuralSimilarity.GaussianWindow(1);
        Assert.Equal(new long[] { 1, 1, 11, 11 }, window.shape);
        Assert.Equal(1.0, window.sum().item<double>(), 12);
        // Ratio of the centre to its neighbour: exp(1 / (2 * 1.5^2)).
        Assert.Equal(Math.Exp(1 / 4.5), window[0, 0, 5, 5].item<double>() / window[0, 0, 5, 6].item<double>(), 10);
    }

    [Fact]
    public void TooSmallImagesAreRejected()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => StructuralSimilarity.PerImage(zeros(1, 1, 8, 8), zeros(1, 1, 8, 8)));
        Assert.Contains("11x11", error.Message);
    }
}
