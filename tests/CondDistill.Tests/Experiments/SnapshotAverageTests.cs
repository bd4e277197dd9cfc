using CondDistill.Checkpoints;
using CondDistill.Experiments;
using CondDistill.Models;
using CondDistill.Training;
using static TorchSharp.torch;

namespace CondDistill.Tests.Experiments;

public sealed class SnapshotAverageTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("snapshot-average-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>A run folder with a config (snapshot interval 2) and tiny-UNet snapshots at <paramref name="steps"/>, each with its own weights.</summary>
    private RunFolder TinyRun(params long[] steps)
    {
        var run = new RunFolder(root);
        run.Create();
        File.WriteAllText(run.ConfigPath, new PretrainConfig { Model = UNetConfig.Tiny, MaxTrainSteps = 10, LearningRateWarmupSteps = 0, SnapshotSteps = 2 }.ToJson());
        foreach (long step in steps)
        {
            using var unet = new UNet(UNetConfig.Tiny, new Generator((ulong)step));
            ModelCheckpoint.Save(run.SnapshotPath(step), unet, step, new Dictionary<string, string> { ["weights"] = "ema" });
        }
        return run;
    }

    [Fact]
    public void The_written_average_loads_as_a_UNet_whose_every_tensor_is_the_mean_of_the_window()
    {
        var run = TinyRun(2, 4, 6, 8);
        string output = Path.Combine(root, "average.safetensors");

        var steps = SnapshotAverage.Write(run, 4, 8, output);

        Assert.Equal([4L, 6L, 8L], steps);
        using var average = ModelCheckpoint.LoadUNet(output);
        var sources = steps.Select(s => ModelCheckpoint.LoadUNet(run.SnapshotPath(s))).ToList();
        foreach (var (name, value) in average.state_dict())
        {
            var expected = (sources[0].state_dict()[name] + sources[1].state_dict()[name] + sources[2].state_dict()[name]) / 3;
            Assert.True(value.allclose(expected, rtol: 1e-6, atol: 1e-7), name);
        }
        Assert.False(average.state_dict().Values.Zip(sources[0].state_dict().Values).All(p => p.First.equal(p.Second).all().item<bool>()));
        var metadata = SafetensorsFile.ReadMetadata(output);
        Assert.Equal("ema-average-of-3", metadata["weights"]);
        Assert.Equal("4,6,8", metadata["averaged_steps"]);
        Assert.Equal("8", metadata["step"]);
        foreach (var model in sources) model.Dispose();
    }

    [Fact]
    public void A_missing_snapshot_an_off_interval_window_and_a_foreign_architecture_are_refused()
    {
        var run = TinyRun(2, 4, 8);

        var gap = Assert.Throws<ArgumentException>(() => SnapshotAverage.Window(run, 2, 8));
        Assert.Contains("step 6", gap.Message);
        Assert.Contains("ema-step-00000006.safetensors", gap.Message);
        Assert.Contains("multiples of the run's snapshot interval 2", Assert.Throws<ArgumentException>(() => SnapshotAverage.Window(run, 3, 8)).Message);
        Assert.Contains("empty or reversed", Assert.Throws<ArgumentException>(() => SnapshotAverage.Window(run, 8, 4)).Message);

        using (var wide = new UNet(UNetConfig.Tiny with { BaseChannels = 12 }))
            ModelCheckpoint.Save(run.SnapshotPath(6), wide, 6);
        var foreign = Assert.Throws<CheckpointException>(() => SnapshotAverage.Write(run, 4, 8, Path.Combine(root, "average.safetensors")));
        Assert.Contains("ema-step-00000006.safetensors", foreign.Message);
        Assert.False(File.Exists(Path.Combine(root, "average.safetensors")));
    }
}
