using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class ExtractorTrainerTests
{
    private static readonly FeatureExtractorConfig TinyConfig = new(Width1: 4, Width2: 8, FeatureDim: 16, Classes: 2, Dropout: 0.1);

    /// <summary>Two classes: a bright top half (0) or a bright bottom half (1), with noise.</summary>
    private static (Tensor Images, Tensor Labels) TwoClassImages(int count, long seed)
    {
        var generator = new Generator(unchecked((ulong)seed));
        var labels = randint(0, 2, new long[] { count }, generator: generator);
        var rows = arange(28).reshape(1, 1, 28, 1);
        var topHalf = rows.lt(14).expand(count, 1, 28, 28);
        var bright = where(labels.reshape(count, 1, 1, 1).eq(0), topHalf, topHalf.logical_not());
        var images = (where(bright, 0.8f, -0.8f) + 0.2 * randn(new long[] { count, 1, 28, 28 }, generator: generator)).clamp(-1, 1);
        return (images.to(ScalarType.Float32), labels);
    }

    [Fact]
    public void LearnsASeparableTaskAndReportsProgress()
    {
        using var scope = NewDisposeScope();
        var (images, labels) = TwoClassImages(40, seed: 1);
        var (testImages, testLabels) = TwoClassImages(32, seed: 2);
        using var extractor = new FeatureExtractor(TinyConfig, seed: 1);
        var reports = new List<ExtractorTrainingProgress>();
        var options = new ExtractorTrainingOptions(Epochs: 6, BatchSize: 8, LearningRate: 1e-2, ReportEvery: 4);
        var result = ExtractorTrainer.Train(extractor, images, labels, options, reports.Add);
        Assert.Equal(30, result.Steps);
        // Every 4th step plus each epoch's last step (5, 10, ..., 30).
        Assert.Equal(new long[] { 4, 5, 8, 10, 12, 15, 16, 20, 24, 25, 28, 30 }, reports.Select(r => r.Step).ToArray());
        Assert.All(reports, r => Assert.Equal(30, r.TotalSteps));
        Assert.Equal(new[] { 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6 }, reports.Select(r => r.Epoch).ToArray());
        Assert.True(result.LastEpochAccuracy > 0.9, $"last-epoch training accuracy {result.LastEpochAccuracy}");
        Assert.False(extractor.training);
        Assert.Equal(1.0, ExtractorTrainer.Accuracy(extractor, testImages, testLabels));
    }

    [Fact]
    public void SameSeedTrainsTheSameWeights()
    {
        using var scope = NewDisposeScope();
        var (images, labels) = TwoClassImages(32, seed: 3);
        var options = new ExtractorTrainingOptions(Epochs: 1, BatchSize: 8, Seed: 4);
        using var first = new FeatureExtractor(TinyConfig, seed: 1);
        using var second = new FeatureExtractor(TinyConfig, seed: 1);
        ExtractorTrainer.Train(first, images, labels, options);
        ExtractorTrainer.Train(second, images, labels, options);
        Assert.Equal(ExtractorHash.Compute(first), ExtractorHash.Compute(second));
    }

    [Fact]
    public void CosineScheduleStartsAtThePeakAndHalvesMidway()
    {
        Assert.Equal(2e-3, ExtractorTrainer.CosineLearningRate(2e-3, 0, 100), 15);
        Assert.Equal(1e-3, ExtractorTrainer.CosineLearningRate(2e-3, 50, 100), 15);
        Assert.Equal(0.0, ExtractorTrainer.CosineLearningRate(2e-3, 100, 100), 15);
    }

    [Fact]
    public void FlipOnlyAugmentationMirrorsSomeImagesAndKeepsOthers()
    {
        using var scope = NewDisposeScope();
        var images = rand(new long[] { 16, 1, 28, 28 }, generator: new Generator(5));
        var augmented = ExtractorTrainer.Augment(images, flip: true, shift: 0, new Generator(6));
        int kept = 0, mirrored = 0;
        for (int i = 0; i < 16; i++)
        {
            if (augmented[i].eq(images[i]).all().item<bool>()) kept++;
            else if (augmented[i].eq(images[i].flip(2)).all().item<bool>()) mirrored++;
        }
        Assert.Equal(16, kept + mirrored);
        Assert.True(kept > 0 && mirrored > 0);
    }

    [Fact]
    public void ShiftAugmentationFillsWithBackground()
    {
        // An all-white image shifted by (dy, dx) keeps (28-|dy|)(28-|dx|) white pixels; the rest are background -1.
        using var scope = NewDisposeScope();
        var images = ones(16, 1, 28, 28);
        var augmented = ExtractorTrainer.Augment(images, flip: false, shift: 2, new Generator(7));
        Assert.Equal(images.shape, augmented.shape);
        Assert.True(augmented.abs().eq(1).all().item<bool>());
        var white = augmented.eq(1).sum(new long[] { 1, 2, 3 }).data<long>().ToArray();
        var possible = new HashSet<long>();
        for (int dy = 0; dy <= 2; dy++)
            for (int dx = 0; dx <= 2; dx++) possible.Add((28 - dy) * (28 - dx));
        Assert.All(white, count => Assert.Contains(count, possible));
        Assert.Contains(white, count => count < 784);
    }

    [Fact]
    public void ALoneLastImageIsLeftOutBecauseBatchNormNeedsTwo()
    {
        using var scope = NewDisposeScope();
        var (images, labels) = TwoClassImages(9, seed: 8);
        using var extractor = new FeatureExtractor(TinyConfig);
        var result = ExtractorTrainer.Train(extractor, images, labels, new ExtractorTrainingOptions(Epochs: 2, BatchSize: 8));
        Assert.Equal(2, result.Steps);
    }

    [Fact]
    public void LabelsOutOfRangeAreRejected()
    {
        using var scope = NewDisposeScope();
        using var extractor = new FeatureExtractor(TinyConfig);
        var error = Assert.Throws<ArgumentException>(() =>
            ExtractorTrainer.Train(extractor, zeros(4, 1, 28, 28), tensor(new long[] { 0, 1, 2, 1 }), new ExtractorTrainingOptions()));
        Assert.Contains("0..1", error.Message);
    }
}
