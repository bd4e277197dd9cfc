using CondDistill.Checkpoints;
using CondDistill.Models;
using CondDistill.Tests.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Tests.Checkpoints;

public sealed class TrainingCheckpointTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "conddistill-train-" + Guid.NewGuid().ToString("N"));

    public TrainingCheckpointTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private sealed class Run : IDisposable
    {
        internal Run()
        {
            Model = UNetTests.TinyUNet(71);
            Model.train();
            Optimizer = optim.AdamW(Model.parameters(), lr: 1e-2, weight_decay: 0.01);
            Ema = new Ema(Model.named_parameters(), gamma: 0.9, warmUp: true);
            Generator = new Generator(72);
        }

        internal UNet Model { get; }
        internal AdamW Optimizer { get; }
        internal Ema Ema { get; }
        internal Generator Generator { get; }

        /// <summary>One v-prediction-like step with data, timesteps and noise all drawn from the run's generator.</summary>
        internal void Step()
        {
            using var scope = NewDisposeScope();
            var x = rand(new long[] { 2, 1, 28, 28 }, generator: Generator) * 2 - 1;
            var t = randint(0, 1000, new long[] { 2 }, generator: Generator);
            var eps = randn(new long[] { 2, 1, 28, 28 }, generator: Generator);
            Optimizer.zero_grad();
            nn.functional.mse_loss(Model.call(0.6 * x + 0.8 * eps, t), 0.6 * eps - 0.8 * x).backward();
            Optimizer.step();
            Ema.Update();
        }

        public void Dispose()
        {
            Ema.Dispose();
            Optimizer.Dispose();
            Generator.Dispose();
            Model.Dispose();
        }
    }

    [Fact]
    public void ResumingFromACheckpointIsBitIdenticalToTrainingStraight()
    {
        const int half = 5;
        string path = Path.Combine(directory, "state.safetensors");
        using (var first = new Run())
        {
            for (int i = 0; i < half; i++) first.Step();
            first.Optimizer.ParamGroups.First().LearningRate = 5e-3; // a scheduler's change must survive
            TrainingCheckpoint.Save(path, first.Model, first.Model.Description, first.Ema, first.Optimizer, half, first.Generator,
                new Dictionary<string, string> { ["task"] = "sr4" });
        }
        using var resumed = new Run();
        // The straight run: same seeds, same learning-rate change after step `half`, no checkpoint.
        using var reference = new Run();
        for (int i = 0; i < half; i++) reference.Step();
        reference.Optimizer.ParamGroups.First().LearningRate = 5e-3;
        for (int i = 0; i < half; i++) reference.Step();

        var state = TrainingCheckpoint.Load(path, resumed.Model, resumed.Model.Description, resumed.Ema, resumed.Optimizer, resumed.Generator);
        Assert.Equal(half, state.Step);
        Assert.Equal("sr4", state.Metadata["task"]);
        Assert.Equal(5e-3, resumed.Optimizer.ParamGroups.First().LearningRate);
        Assert.Equal(half, resumed.Ema.UpdateCount);
        for (int i = 0; i < half; i++) resumed.Step();

        var expected = reference.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.All(resumed.Model.named_parameters(), p => Assert.True(TensorCompare.Same(p.parameter, expected[p.name]), p.name));
        Assert.All(resumed.Ema.Shadows, p => Assert.True(TensorCompare.Same(p.Value, reference.Ema.Shadows[p.Key]), "ema " + p.Key));
        Assert.Equal(2 * half, resumed.Ema.UpdateCount);
        using var nextResumed = randn(new long[] { 3 }, generator: resumed.Generator);
        using var nextReference = randn(new long[] { 3 }, generator: reference.Generator);
        Assert.True(TensorCompare.Same(nextResumed, nextReference));
        // And the run really moved away from its initial weights.
        using var fresh = new Run();
        Assert.False(TensorCompare.Same(fresh.Model.parameters().First(), resumed.Model.parameters().First()));
    }

    [Fact]
    public void OptimizerOverOtherParametersIsRejectedBeforeAnythingLoads()
    {
        using var run = new Run();
        run.Step();
        string path = Path.Combine(directory, "state.safetensors");
        TrainingCheckpoint.Save(path, run.Model, run.Model.Description, run.Ema, run.Optimizer, 1, run.Generator);

        using var other = new Run();
        using var partial = optim.AdamW(other.Model.parameters().Skip(1), lr: 1e-2);
        var before = other.Model.parameters().Select(p => p.detach().clone()).ToList();
        var error = Assert.Throws<CheckpointException>(() =>
            TrainingCheckpoint.Load(path, other.Model, other.Model.Description, other.Ema, partial, other.Generator));
        Assert.Contains(path, error.Message);
        Assert.Contains("optimizer tensor", error.Message);
        Assert.All(other.Model.parameters().Zip(before), pair => Assert.True(TensorCompare.Same(pair.First, pair.Second)));

        error = Assert.Throws<CheckpointException>(() =>
            TrainingCheckpoint.Load(path, other.Model, other.Model.Description, null, other.Optimizer, other.Generator));
        Assert.Contains("holds EMA weights", error.Message);

        error = Assert.Throws<CheckpointException>(() => ModelCheckpoint.LoadUNet(path));
        Assert.Contains("this is a training checkpoint", error.Message);
    }
}
