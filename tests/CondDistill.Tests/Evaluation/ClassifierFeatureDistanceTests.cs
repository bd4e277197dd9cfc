using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class ClassifierFeatureDistanceTests
{
    private static readonly FeatureExtractorConfig TinyConfig = new(Width1: 4, Width2: 8, FeatureDim: 16);

    [Fact]
    public void HandComputedLayerCase()
    {
        // Layer 1 (2 channels, 1 position): (3,4) -> (0.6,0.8), (0,2) -> (0,1); squared difference 0.36 + 0.04 = 0.4.
        // Layer 2 (1 channel, 2 positions): (2,-1) -> (1,-1), (5,1) -> (1,1); per position 0 and 4, mean 2.
        // Average over layers: (0.4 + 2) / 2 = 1.2.
        using var scope = NewDisposeScope();
        var a = new[] { tensor(new double[] { 3, 4 }).reshape(1, 2, 1, 1), tensor(new double[] { 2, -1 }).reshape(1, 1, 1, 2) };
        var b = new[] { tensor(new double[] { 0, 2 }).reshape(1, 2, 1, 1), tensor(new double[] { 5, 1 }).reshape(1, 1, 1, 2) };
        var distance = ClassifierFeatureDistance.FromLayerFeatures(a, b);
        Assert.Equal(new long[] { 1 }, distance.shape);
        Assert.Equal(1.2, distance.item<double>(), 9);
    }

    [Fact]
    public void IdenticalImagesAreAtDistanceZeroAndDifferentOnesAbove()
    {
        using var scope = NewDisposeScope();
        using var extractor = new FeatureExtractor(TinyConfig, seed: 1);
        var generator = new Generator(3);
        var images = rand(new long[] { 5, 1, 28, 28 }, generator: generator) * 2 - 1;
        var others = rand(new long[] { 5, 1, 28, 28 }, generator: generator) * 2 - 1;
        Assert.All(ClassifierFeatureDistance.PerImage(extractor, images, images), value => Assert.Equal(0.0, value));
        var distances = ClassifierFeatureDistance.PerImage(extractor, images, others);
        Assert.All(distances, value => Assert.InRange(value, 1e-4, 4.0));
    }

    [Fact]
    public void ResultDoesNotDependOnTheBatchSize()
    {
        using var scope = NewDisposeScope();
        using var extractor = new FeatureExtractor(TinyConfig, seed: 1);
        var generator = new Generator(4);
        var images = rand(new long[] { 7, 1, 28, 28 }, generator: generator) * 2 - 1;
        var others = rand(new long[] { 7, 1, 28, 28 }, generator: generator) * 2 - 1;
        var whole = ClassifierFeatureDistance.PerImage(extractor, images, others, batchSize: 100);
        var batched = ClassifierFeatureDistance.PerImage(extractor, images, others, batchSize: 3);
        for (int i = 0; i < 7; i++) Assert.Equal(whole[i], batched[i], 5);
    }
}
