using System.Text.Json;

namespace CondDistill.Tests.Cli;

public sealed class CalibrateFdCliTests
{
    [Fact]
    public void CalibrateFdWritesTheCurveAndAModelsRowWithTheProtocol()
    {
        string folder = Directory.CreateTempSubdirectory("calibrate-fd-cli").FullName;
        try
        {
            string model = Path.Combine(folder, "tiny.safetensors");
            using (var unet = new CondDistill.Models.UNet(CondDistill.Models.UNetConfig.Tiny, new TorchSharp.torch.Generator(1)))
                CondDistill.Checkpoints.ModelCheckpoint.Save(model, unet, 0, new Dictionary<string, string> { ["weights"] = "ema" });
            string json = Path.Combine(folder, "calibration.json");
            var (code, output, error) = CliProcess.Run("calibrate-fd", "--count", "20", "--real-count", "30", "--sigmas", "0,0.5",
                "--model", model, "--steps", "2", "--json", json);
            Assert.True(code == 0, error + output);
            Assert.Contains("| 0.5 | 63.75 |", output);

            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var root = document.RootElement;
            Assert.Equal(20, root.GetProperty("protocol").GetProperty("clean_count").GetInt32());
            Assert.Equal(30, root.GetProperty("protocol").GetProperty("real_count").GetInt32());
            var curve = root.GetProperty("calibration").EnumerateArray().ToList();
            Assert.Equal(2, curve.Count);
            double clean = curve[0].GetProperty("distance").GetProperty("total").GetDouble();
            double noisy = curve[1].GetProperty("distance").GetProperty("total").GetDouble();
            Assert.True(clean > 0 && noisy > clean, $"FD-FMNIST at sigma 0 / 0.5: {clean} / {noisy}");
            var row = Assert.Single(root.GetProperty("models").EnumerateArray());
            Assert.Equal("ddim-2", row.GetProperty("sampler").GetString());
            Assert.Equal(1_000_000, row.GetProperty("seed_base").GetInt64());
            Assert.True(row.GetProperty("distance").GetProperty("total").GetDouble() > 0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ABadSigmaListIsRefusedNamingTheOption()
    {
        var (code, _, error) = CliProcess.Run("calibrate-fd", "--sigmas", "0,0.01,-1");
        Assert.Equal(2, code);
        Assert.Contains("--sigmas: '-1' is not a number >= 0", error);
    }
}
