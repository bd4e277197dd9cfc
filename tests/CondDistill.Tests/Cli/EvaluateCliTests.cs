namespace CondDistill.Tests.Cli;

public sealed class EvaluateCliTests
{
    [Fact]
    public void EvaluateWritesEveryUnconditionalMetricWithItsProtocol()
    {
        string folder = Directory.CreateTempSubdirectory("evaluate-cli").FullName;
        try
        {
            string model = Path.Combine(folder, "tiny.safetensors");
            using (var unet = new CondDistill.Models.UNet(CondDistill.Models.UNetConfig.Tiny, new TorchSharp.torch.Generator(1)))
                CondDistill.Checkpoints.ModelCheckpoint.Save(model, unet, 0, new Dictionary<string, string> { ["weights"] = "ema" });
            string report = Path.Combine(folder, "report.json");
            var (code, output, error) = CliProcess.Run("evaluate", "--model", model, "--samples", "6", "--steps", "2", "--real-count", "6",
                "--floor", "--batch-size", "4", "--out", report);
            Assert.True(code == 0, error + output);

            var parsed = CondDistill.Evaluation.MetricsReport.Load(report);
            Assert.Equal("ddim-2", parsed.Protocol.Sampler);
            Assert.Equal("ema", parsed.Protocol.Weights);
            Assert.Equal(new long[] { 1_000_000, 1_000_005 }, parsed.Protocol.Seeds);
            Assert.Equal(6, parsed.Protocol.RealCount);
            Assert.Matches("^[0-9a-f]{64}$", parsed.Protocol.ExtractorHash);
            Assert.True(parsed.FdFmnist > 0 && parsed.FdFmnistFloor > 0 && parsed.MillisecondsPerImage > 0);
            Assert.InRange(parsed.ReferenceSaturationRate!.Value, 0.2, 0.8);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
