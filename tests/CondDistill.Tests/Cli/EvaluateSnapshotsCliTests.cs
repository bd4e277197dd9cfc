using CondDistill.Checkpoints;
using CondDistill.Experiments;
using CondDistill.Models;

namespace CondDistill.Tests.Cli;

public sealed class EvaluateSnapshotsCliTests
{
    /// <summary>A run folder holding a tiny UNet's EMA snapshot at each of <paramref name="steps"/>.</summary>
    private static void WriteTinySnapshots(string folder, params long[] steps)
    {
        var run = new RunFolder(folder);
        run.Create();
        foreach (long step in steps)
        {
            using var unet = new UNet(UNetConfig.Tiny, new TorchSharp.torch.Generator((ulong)step));
            ModelCheckpoint.Save(run.SnapshotPath(step), unet, step, new Dictionary<string, string> { ["weights"] = "ema" });
        }
    }

    [Fact]
    public void EveryAndNameWriteACoarserCurveBesideTheDefaultOne()
    {
        string folder = Directory.CreateTempSubdirectory("evaluate-snapshots-cli").FullName;
        try
        {
            WriteTinySnapshots(folder, 2, 4, 6, 8);

            var (code, output, error) = CliProcess.Run("evaluate-snapshots", "--run", folder, "--samples", "10", "--real-count", "20",
                "--steps", "2", "--every", "4", "--name", "fd-curve-10");

            Assert.True(code == 0, error + output);
            string md = File.ReadAllText(Path.Combine(folder, "fd-curve-10.md"));
            Assert.Contains("EMA snapshots at multiples of 4 steps, 10 samples each", md);
            Assert.Contains("| 4 |", md);
            Assert.Contains("| 8 |", md);
            Assert.DoesNotContain("| 2 |", md);
            Assert.DoesNotContain("| 6 |", md);
            Assert.Contains("Last quarter: FD-FMNIST", md); // 4 is at 3/4 of 8 or before
            Assert.True(File.Exists(Path.Combine(folder, "fd-curve-10.json")));
            Assert.False(File.Exists(Path.Combine(folder, "fd-curve.md")));
            Assert.Equal(2, Directory.GetFiles(Path.Combine(folder, "evaluations")).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--every", "-5", "--every must be 0")]
    [InlineData("--name", "curves/fd", "--name 'curves/fd' must be a plain file name stem")]
    [InlineData("--every", "7", "no EMA snapshot at a multiple of 7 steps")]
    public void BadIntervalOrNameIsRefusedWithTheOptionNamed(string option, string value, string message)
    {
        string folder = Directory.CreateTempSubdirectory("evaluate-snapshots-cli-bad").FullName;
        try
        {
            WriteTinySnapshots(folder, 2);

            var (code, output, error) = CliProcess.Run("evaluate-snapshots", "--run", folder, "--samples", "10", "--real-count", "20", "--steps", "2", option, value);

            Assert.NotEqual(0, code);
            Assert.Contains(message, error + output);
            Assert.False(File.Exists(Path.Combine(folder, "fd-curve.md")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
