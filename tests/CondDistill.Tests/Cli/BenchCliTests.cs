using System.Text.Json;
using CondDistill.Checkpoints;
using CondDistill.Models;

namespace CondDistill.Tests.Cli;

/// <summary><c>condistill bench --config</c> as a user runs it: which architecture gets measured.</summary>
public sealed class BenchCliTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "conddistill-bench-cli-" + Guid.NewGuid().ToString("N"));

    public BenchCliTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void ACheckpointAsConfigBenchmarksTheArchitectureStoredInIt()
    {
        var config = UNetConfig.Tiny with { BaseChannels = 12 };
        long expectedParameters;
        string checkpoint = Path.Combine(directory, "model.safetensors");
        using (var unet = new UNet(config))
        {
            expectedParameters = unet.parameters().Sum(p => p.numel());
            ModelCheckpoint.Save(checkpoint, unet);
        }
        string json = Path.Combine(directory, "bench.json");

        var (code, _, error) = CliProcess.Run("bench", "--config", checkpoint, "--warmup", "0", "--steps", "1", "--batch", "2",
            "--leak-steps", "0", "--sampling-steps", "none", "--threads", "1", "--json", json);

        Assert.True(code == 0, error);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(expectedParameters, report.RootElement.GetProperty("training").GetProperty("parameter_count").GetInt64());
        using var tiny = new UNet(UNetConfig.Tiny);
        Assert.NotEqual(expectedParameters, tiny.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void AConfigThatIsNeitherANameNorAFileIsRefusedWithTheChoices()
    {
        var (code, _, error) = CliProcess.Run("bench", "--config", Path.Combine(directory, "absent.safetensors"), "--leak-steps", "0", "--sampling-steps", "none");
        Assert.NotEqual(0, code);
        Assert.Contains("absent.safetensors", error);
        Assert.Contains("'teacher'", error);
        Assert.DoesNotContain("   at ", error);
    }
}
