using CondDistill.Checkpoints;
using CondDistill.Diffusion;
using CondDistill.Experiments;
using CondDistill.Models;
using CondDistill.Training.Baselines;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Experiments;

/// <summary>Loading a trained conditional model with its metadata, for evaluate and notebooks.</summary>
public sealed class TrainedConditionalModelTests
{
    private static readonly NoiseSchedule Schedule = NoiseSchedule.Cosine();

    [Theory]
    [InlineData("finetune-controlnet-full", false)]
    [InlineData("cm-ii", true)]
    public void LoadsTheModelAndItsMetadataAndWrapsOnlyConsistencyModels(string method, bool consistency)
    {
        string root = Directory.CreateTempSubdirectory("trained-model").FullName;
        try
        {
            using var teacher = new UNet(UNetConfig.Tiny, new Generator(11));
            using var fineTune = new FineTuneMethod(teacher, new FineTuneConfig(FineTuneVariant.ControlNetFull, 1), Schedule, new Generator(3));
            string path = Path.Combine(root, "ema.safetensors");
            ModelCheckpoint.Save(path, fineTune.Student, 40, new Dictionary<string, string> { ["method"] = method, ["task"] = "sr4", ["weights"] = "ema" });

            using var loaded = TrainedConditionalModel.Load(path);
            Assert.Equal((method, "sr4", "ema", 40L, consistency), (loaded.Method, loaded.Task, loaded.Weights, loaded.Step!.Value, loaded.IsConsistencyModel));
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var z = randn([2, 1, 28, 28], generator: new Generator(1));
            var c = randn([2, 1, 28, 28], generator: new Generator(2));
            var t = tensor(new long[] { 300, 900 });
            var plain = fineTune.Student.WithCondition(c)(z, t);
            var sampled = loaded.SamplingModel(c, Schedule)(z, t);
            var expected = consistency
                ? ConsistencyDistillationObjective.AsVelocityModel(fineTune.Student.WithCondition(c), Schedule, new ConsistencyDistillationConfig().Scaling)(z, t)
                : plain;
            Assert.True(sampled.equal(expected).all().item<bool>());
            Assert.Equal(consistency, !sampled.equal(plain).all().item<bool>());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AnUnconditionalUNetIsRejectedNamingTheFileAndTheKinds()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("trained-model").FullName, "teacher.safetensors");
        using (var teacher = new UNet(UNetConfig.Tiny, new Generator(11))) ModelCheckpoint.Save(path, teacher);
        var error = Assert.Throws<CheckpointException>(() => TrainedConditionalModel.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(ModelDescription.ControlledUNetKind, error.Message);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
