using System.Security.Cryptography;
using CondDistill.Checkpoints;
using CondDistill.Experiments;
using CondDistill.Training;
using static TorchSharp.torch;

namespace CondDistill.Tests.Experiments;

public sealed class RunStatusTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("run-status").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>A run folder as pretrain leaves it: 48,000 planned steps, records every 50 steps to <paramref name="loggedTo"/> at 4 s per step, a checkpoint at <paramref name="checkpointAt"/>.</summary>
    internal static RunFolder WriteRun(string root, long loggedTo, long? checkpointAt)
    {
        var run = new RunFolder(root);
        run.Create();
        File.WriteAllText(run.ConfigPath, (new PretrainConfig() with { MaxTrainSteps = 48_000 }).ToJson());
        var log = new MetricsLog(run.MetricsPath);
        for (long step = 50; step <= loggedTo; step += 50)
            log.Append(step, [new("loss", 0.1 + 10.0 / step), new("elapsed_seconds", 4.0 * step)]);
        if (checkpointAt is long at)
        {
            using var scope = NewDisposeScope();
            SafetensorsFile.Write(run.LatestCheckpointPath, [new("model/w", ones(4))], new Dictionary<string, string> { ["step"] = at.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        File.WriteAllBytes(run.SnapshotPath(4000), [0]);
        File.WriteAllBytes(run.SamplesPath(4000, "ema-ddim50"), [0]);
        return run;
    }

    [Fact]
    public void ReadsStepsCheckpointSpeedAndTimeLeftFromTheFiles()
    {
        var run = WriteRun(Path.Combine(directory, "run"), loggedTo: 6_700, checkpointAt: 6_500);
        var status = RunStatus.Read(run);

        Assert.Equal(48_000, status.PlannedSteps);
        Assert.Equal(6_700, status.LastLoggedStep);
        Assert.Equal(26_800, status.ElapsedSeconds);
        Assert.Equal(6_500, status.CheckpointStep);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(run.LatestCheckpointPath))), status.CheckpointSha256);
        Assert.Equal(200, status.StepsLoggedPastCheckpoint);
        Assert.Equal(0.25, status.RecentStepsPerSecond!.Value, 12); // 500 steps over 2,000 s
        Assert.Equal(500, status.RecentSteps);
        Assert.Equal(41_500, status.StepsLeft);
        Assert.Equal(41_500 / 0.25 / 3600, status.HoursLeftAtRecentSpeed!.Value, 9);
        Assert.Equal([4000L], status.SnapshotSteps);
        Assert.Equal(["step-00004000-ema-ddim50.png"], status.SampleGrids);
        Assert.False(status.Finished);
    }

    [Fact]
    public void AFreshFolderHasNoCheckpointAndAMissingOneIsNamed()
    {
        var status = RunStatus.Read(WriteRun(Path.Combine(directory, "fresh"), loggedTo: 50, checkpointAt: null));
        Assert.Null(status.CheckpointStep);
        Assert.Null(status.CheckpointSha256);
        Assert.Null(status.RecentStepsPerSecond); // one record: no interval yet
        Assert.Equal(50, status.StepsLoggedPastCheckpoint);
        Assert.Equal(48_000, status.StepsLeft);

        string missing = Path.Combine(directory, "missing");
        var error = Assert.Throws<DirectoryNotFoundException>(() => RunStatus.Read(new RunFolder(missing)));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void ACheckpointWithoutAStepIsRefusedNamingTheFile()
    {
        var run = WriteRun(Path.Combine(directory, "foreign"), loggedTo: 100, checkpointAt: null);
        using (var scope = NewDisposeScope()) SafetensorsFile.Write(run.LatestCheckpointPath, [new("w", ones(2))]);
        var error = Assert.Throws<CheckpointException>(() => RunStatus.Read(run));
        Assert.Contains(run.LatestCheckpointPath, error.Message);
        Assert.Contains("'step'", error.Message);
    }
}
