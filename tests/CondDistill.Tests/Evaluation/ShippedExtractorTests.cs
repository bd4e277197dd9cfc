using CondDistill.Data;
using CondDistill.Evaluation;
using CondDistill.Experiments;
using TorchSharp;

namespace CondDistill.Tests.Evaluation;

/// <summary>Checks on the extractor that ships in data/checkpoints (what every FD-FMNIST in the repository cites).</summary>
public sealed class ShippedExtractorTests
{
    private static FeatureExtractor LoadShipped() => FeatureExtractorFile.Load(ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile));

    [Fact]
    public void ShippedExtractorLoadsWithItsRecordedHashAndClassifiesTestImages()
    {
        using var extractor = LoadShipped();
        var metadata = CondDistill.Checkpoints.SafetensorsFile.ReadMetadata(ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile));
        Assert.Equal(metadata["extractor_hash"], ExtractorHash.Compute(extractor));
        using var test = FashionMnist.Open().Load(DatasetSplit.Test, 0, 1000);
        double accuracy = ExtractorTrainer.Accuracy(extractor, test.Images, test.Labels);
        Assert.True(accuracy >= 0.88, $"accuracy on the first 1,000 test images: {accuracy:P2}");
    }

    [Fact]
    public void RealDataFdIsFarBelowNoiseFd()
    {
        using var scope = torch.NewDisposeScope();
        using var extractor = LoadShipped();
        var data = FashionMnist.Open();
        using var train = data.Load(DatasetSplit.Train, 0, 1000);
        using var test = data.Load(DatasetSplit.Test, 0, 1000);
        var noise = torch.rand([1000, 1, 28, 28], generator: new torch.Generator(0)) * 2 - 1;
        double real = FrechetDistance.Compute(extractor.Features(train.Images), extractor.Features(test.Images));
        double fake = FrechetDistance.Compute(extractor.Features(noise), extractor.Features(test.Images));
        Assert.True(real * 20 < fake, $"FD(train, test) = {real:F3}, FD(noise, test) = {fake:F3}");
    }
}
