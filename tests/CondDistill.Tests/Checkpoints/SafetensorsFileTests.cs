using CondDistill.Checkpoints;
using static TorchSharp.torch;

namespace CondDistill.Tests.Checkpoints;

/// <summary>The format reader on its own: what <see cref="SafetensorsFile.ReadMetadata"/> reads and what it leaves to <see cref="SafetensorsFile.Read"/>.</summary>
public sealed class SafetensorsFileTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "conddistill-safetensors-" + Guid.NewGuid().ToString("N"));

    public SafetensorsFileTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string WriteSample(string name, IReadOnlyDictionary<string, string>? metadata)
    {
        string path = Path.Combine(directory, name);
        using var scope = NewDisposeScope();
        SafetensorsFile.Write(path, [new("w", arange(0, 1000, dtype: float32)), new("b", ones(3, dtype: int64))], metadata);
        return path;
    }

    [Fact]
    public void ReadMetadataGivesWhatReadGives()
    {
        string path = WriteSample("full.safetensors", new Dictionary<string, string> { ["step"] = "6500", ["kind"] = "unet" });
        using var content = SafetensorsFile.Read(path);
        var metadata = SafetensorsFile.ReadMetadata(path);
        Assert.Equal(content.Metadata.OrderBy(p => p.Key), metadata.OrderBy(p => p.Key));
        Assert.Equal("6500", metadata["step"]);
        Assert.Equal(999f, content.Tensors["w"][999].item<float>());
    }

    [Fact]
    public void AFileWithoutMetadataHasAnEmptyMap()
    {
        Assert.Empty(SafetensorsFile.ReadMetadata(WriteSample("bare.safetensors", null)));
    }

    [Fact]
    public void ReadMetadataStopsAtTheHeaderSoCutOffDataFailsOnlyOnLoad()
    {
        string path = WriteSample("cut-data.safetensors", new Dictionary<string, string> { ["step"] = "12" });
        long length = new FileInfo(path).Length;
        using (var stream = File.OpenWrite(path)) stream.SetLength(length - 400); // inside the 4,000 bytes of "w"

        Assert.Equal("12", SafetensorsFile.ReadMetadata(path)["step"]);
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("file truncated", error.Message);
    }

    [Fact]
    public void ACutOffHeaderNamesTheFile()
    {
        string path = WriteSample("cut-header.safetensors", new Dictionary<string, string> { ["step"] = "12" });
        using (var stream = File.OpenWrite(path)) stream.SetLength(40);
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.ReadMetadata(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("header length", error.Message);

        using (var stream = File.OpenWrite(path)) stream.SetLength(5);
        error = Assert.Throws<CheckpointException>(() => SafetensorsFile.ReadMetadata(path));
        Assert.Contains("fewer than the 8-byte header length", error.Message);
        Assert.Throws<CheckpointException>(() => SafetensorsFile.ReadMetadata(Path.Combine(directory, "missing.safetensors")));
    }
}
