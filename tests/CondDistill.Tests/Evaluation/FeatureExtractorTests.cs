using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class FeatureExtractorTests
{
    private static readonly FeatureExtractorConfig TinyConfig = new(Width1: 4, Width2: 8, FeatureDim: 16);

    [Fact]
    public void DefaultConfigurationHasTheDocumentedParameterCount()
    {
        // conv 288 + 9216 + 18432 + 36864 (no bias), BatchNorm 2 * (32 + 32 + 64 + 64), fc 3136*128 + 128, fc 128*10 + 10.
        using var extractor = new FeatureExtractor(new FeatureExtractorConfig());
        Assert.Equal(288 + 9216 + 18432 + 36864 + 384 + 401536 + 1290, extractor.ParameterCount);
    }

    [Fact]
    public void OutputsHaveTheDocumentedShapes()
    {
        using var scope = NewDisposeScope();
        using var extractor = new FeatureExtractor(TinyConfig);
        var images = rand(new long[] { 5, 1, 28, 28 }, generator: new Generator(1)) * 2 - 1;
        var features = extractor.Features(images, batchSize: 2);
        Assert.Equal(new long[] { 5, 16 }, features.shape);
        Assert.Equal(ScalarType.Float32, features.dtype);
        Assert.True(features.min().item<float>() >= 0); // post-ReLU
        Assert.Equal(new long[] { 5, 10 }, extractor.Logits(images).shape);
        var layers = extractor.LayerFeatures(images);
        Assert.Equal(
            new[] { new long[] { 5, 4, 28, 28 }, new long[] { 5, 4, 28, 28 }, new long[] { 5, 8, 14, 14 }, new long[] { 5, 8, 14, 14 } },
            layers.Select(layer => layer.shape).ToArray());
    }

    [Fact]
    public void FeaturesDoNotDependOnTheBatchSizeAndModeIsRestored()
    {
        using var scope = NewDisposeScope();
        using var extractor = new FeatureExtractor(TinyConfig);
        extractor.train();
        var images = rand(new long[] { 7, 1, 28, 28 }, generator: new Generator(2)) * 2 - 1;
        var whole = extractor.Features(images, batchSize: 100);
        var batched = extractor.Features(images, batchSize: 3);
        Assert.True(whole.allclose(batched, rtol: 1e-5, atol: 1e-6));
        Assert.True(extractor.training);
    }

    [Fact]
    public void SameSeedGivesTheSameWeightsAndHash()
    {
        using var first = new FeatureExtractor(TinyConfig, seed: 5);
        using var second = new FeatureExtractor(TinyConfig, seed: 5);
        using var third = new FeatureExtractor(TinyConfig, seed: 6);
        string hash = ExtractorHash.Compute(first);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, ExtractorHash.Compute(second));
        Assert.NotEqual(hash, ExtractorHash.Compute(third));
    }

    [Fact]
    public void InitialisationFollowsPyTorchDefaultBounds()
    {
        using var extractor = new FeatureExtractor(TinyConfig, seed: 3);
        var parameters = extractor.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        double bound = 1 / Math.Sqrt(4 * 9); // conv2: fan_in = 4 channels * 3 * 3
        Assert.InRange(parameters["conv2.weight"].abs().max().item<float>(), 0.8 * bound, bound);
        Assert.Equal(1f, parameters["norm2.weight"].min().item<float>());
    }

    [Fact]
    public void WrongImageShapeIsRejectedWithTheExpectedShape()
    {
        using var scope = NewDisposeScope();
        using var extractor = new FeatureExtractor(TinyConfig);
        var error = Assert.Throws<ArgumentException>(() => extractor.Features(zeros(2, 3, 28, 28)));
        Assert.Contains("[N, 1, 28, 28]", error.Message);
    }

    [Fact]
    public void ExtractorFileRoundTripKeepsWeightsAndHash()
    {
        string folder = Path.Combine(Path.GetTempPath(), "condistill-extractor-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var scope = NewDisposeScope();
            using var extractor = new FeatureExtractor(TinyConfig, seed: 8);
            string path = Path.Combine(folder, "extractor.safetensors");
            string savedHash = FeatureExtractorFile.Save(extractor, path);
            Assert.False(File.Exists(path + ".tmp"));
            using var loaded = FeatureExtractorFile.Load(path);
            Assert.Equal(TinyConfig, loaded.Config);
            Assert.Equal(savedHash, ExtractorHash.Compute(loaded));
            var images = rand(new long[] { 3, 1, 28, 28 }, generator: new Generator(4)) * 2 - 1;
            Assert.True(extractor.Features(images).eq(loaded.Features(images)).all().item<bool>());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void LoadingAWrongOrTruncatedFileOrFromNowhereExplainsTheProblem()
    {
        string folder = Path.Combine(Path.GetTempPath(), "condistill-extractor-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var extractor = new FeatureExtractor(TinyConfig);
            string path = Path.Combine(folder, "extractor.safetensors");
            FeatureExtractorFile.Save(extractor, path);
            byte[] bytes = File.ReadAllBytes(path);
            string truncated = Path.Combine(folder, "truncated.safetensors");
            File.WriteAllBytes(truncated, bytes[..(bytes.Length - 100)]);
            var cut = Assert.Throws<CondDistill.Checkpoints.CheckpointException>(() => FeatureExtractorFile.Load(truncated));
            Assert.Contains(truncated, cut.Message);

            string unet = Path.Combine(folder, "unet.safetensors");
            using (var model = new CondDistill.Models.UNet(CondDistill.Models.UNetConfig.Tiny)) CondDistill.Checkpoints.ModelCheckpoint.Save(unet, model);
            var wrongKind = Assert.Throws<CondDistill.Checkpoints.CheckpointException>(() => FeatureExtractorFile.Load(unet));
            Assert.Contains("expected 'feature-extractor'", wrongKind.Message);

            var missing = Assert.Throws<FileNotFoundException>(() => FeatureExtractorFile.Load(Path.Combine(folder, "none.safetensors")));
            Assert.Contains("condistill train-extractor", missing.Message);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
