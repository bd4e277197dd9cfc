using CondDistill.Checkpoints;
using CondDistill.Experiments;
using CondDistill.Models;
using CondDistill.Training;

namespace CondDistill.Tests.Cli;

public sealed class AverageSnapshotsCliTests
{
    [Fact]
    public void AveragesTheWindowAndRefusesAWindowTheRunHasNotTrained()
    {
        string folder = Directory.CreateTempSubdirectory("average-snapshots-cli").FullName;
        try
        {
            var run = new RunFolder(folder);
            run.Create();
            File.WriteAllText(run.ConfigPath, new PretrainConfig { Model = UNetConfig.Tiny, MaxTrainSteps = 10, LearningRateWarmupSteps = 0, SnapshotSteps = 2 }.ToJson());
            foreach (long step in new long[] { 2, 4, 6 })
            {
                using var unet = new UNet(UNetConfig.Tiny, new TorchSharp.torch.Generator((ulong)step));
                ModelCheckpoint.Save(run.SnapshotPath(step), unet, step);
            }
            string output = Path.Combine(folder, "average.safetensors");

            var (code, stdout, error) = CliProcess.Run("average-snapshots", "--run", folder, "--from", "2", "--to", "6", "--out", output);
            Assert.True(code == 0, error + stdout);
            Assert.Contains("averaged 3 EMA snapshots", stdout);
            Assert.Equal("2,4,6", SafetensorsFile.ReadMetadata(output)["averaged_steps"]);

            var (badCode, _, badError) = CliProcess.Run("average-snapshots", "--run", folder, "--from", "2", "--to", "10", "--out", output);
            Assert.Equal(2, badCode);
            Assert.Contains("lacks the snapshots at steps 8, 10", badError);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
