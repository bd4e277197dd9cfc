using CondDistill.Checkpoints;
using static TorchSharp.torch;

namespace CondDistill.Tests.Cli;

/// <summary><c>condistill checkpoint pack|unpack|verify</c> end to end (the format itself is tested in Checkpoints/PackedCheckpointTests).</summary>
public sealed class CheckpointCliTests
{
    [Fact]
    public void PackVerifyAndUnpackRoundTripAFileAndAWrongFileIsAnError()
    {
        string directory = Directory.CreateTempSubdirectory("cli-checkpoint").FullName;
        try
        {
            string original = Path.Combine(directory, "latest.safetensors");
            using (NewDisposeScope())
                SafetensorsFile.Write(original, [new("w", randn(10_000, generator: new Generator(3)))], null);
            string packed = original + ".packed", restored = Path.Combine(directory, "restored.safetensors");
            string sha = CondDistill.Runtime.FileSha256.Of(original);

            var (code, output, error) = CliProcess.Run("checkpoint", "pack", "--in", original, "--out", packed);
            Assert.True(code == 0, error + output);
            Assert.Contains($"SHA-256 of the safetensors file {sha}", output);
            string ratio = System.Text.RegularExpressions.Regex.Match(output, @"packed form [0-9.]+ % of the safetensors file").Value;
            Assert.NotEqual("", ratio);
            (code, output, error) = CliProcess.Run("checkpoint", "verify", "--in", packed);
            Assert.True(code == 0, error + output);
            Assert.Contains($"restores SHA-256 {sha}", output);
            (code, output, error) = CliProcess.Run("checkpoint", "unpack", "--in", packed, "--out", restored);
            Assert.True(code == 0, error + output);
            Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(restored));
            Assert.Contains(ratio, output); // unpack reports the same ratio, packed over raw, not its inverse

            (code, _, error) = CliProcess.Run("checkpoint", "unpack", "--in", original, "--out", Path.Combine(directory, "x.safetensors"));
            Assert.Equal(2, code);
            Assert.Contains("not a packed checkpoint", error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
