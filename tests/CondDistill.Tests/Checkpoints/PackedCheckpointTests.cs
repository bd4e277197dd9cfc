using CondDistill.Checkpoints;
using CondDistill.Runtime;
using static TorchSharp.torch;

namespace CondDistill.Tests.Checkpoints;

/// <summary>The transport form of a checkpoint: byte-for-byte round trip, the shuffle's layout, and clear errors for every damaged input.</summary>
public sealed class PackedCheckpointTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("conddistill-packed").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>A checkpoint-like file: float32 weights of a trained-looking scale, an int64 step and metadata.</summary>
    private string WriteCheckpoint(string name)
    {
        string path = Path.Combine(directory, name);
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        SafetensorsFile.Write(path,
            [
                new("model/w", randn(50_000, generator: generator) * 0.05f),
                new("optimizer/0/exp_avg_sq", randn(50_000, generator: generator).square() * 1e-6f),
                new("optimizer/0/step", full(1, 4500L, dtype: int64)),
                new("odd", ones(3, dtype: uint8)),
            ],
            new Dictionary<string, string> { ["step"] = "4500" });
        return path;
    }

    [Fact]
    public void ShuffleGroupsTheKthByteOfEveryWordAndKeepsAPartialWordAtTheEnd()
    {
        byte[] data = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal([1, 5, 2, 6, 3, 7, 4, 8, 9, 10], PackedCheckpoint.Shuffle(data));
        for (int length = 0; length <= 9; length++)
        {
            byte[] original = Enumerable.Range(100, length).Select(i => (byte)i).ToArray();
            var restored = new byte[length];
            PackedCheckpoint.Unshuffle(PackedCheckpoint.Shuffle(original), restored);
            Assert.Equal(original, restored);
        }
    }

    [Fact]
    public void UnpackRestoresTheFileByteForByteAndPackingMakesItSmaller()
    {
        string original = WriteCheckpoint("state.safetensors");
        string packed = Path.Combine(directory, "state.safetensors.packed");
        string restored = Path.Combine(directory, "restored.safetensors");

        string sha = PackedCheckpoint.Pack(original, packed);
        Assert.Equal(FileSha256.Of(original), sha);
        Assert.Equal(sha, PackedCheckpoint.Verify(packed));
        Assert.Equal(sha, PackedCheckpoint.Unpack(packed, restored));
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(restored));
        Assert.Equal("4500", SafetensorsFile.ReadMetadata(restored)["step"]);

        // Plain Deflate of the same bytes, for comparison: the shuffle is what makes the float data compress.
        long plain;
        using (var buffer = new MemoryStream())
        {
            using (var deflate = new System.IO.Compression.DeflateStream(buffer, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
                deflate.Write(File.ReadAllBytes(original));
            plain = buffer.Length;
        }
        long originalLength = new FileInfo(original).Length, packedLength = new FileInfo(packed).Length;
        Assert.True(packedLength < 0.9 * originalLength, $"packed {packedLength} of {originalLength} bytes");
        Assert.True(packedLength < plain, $"packed {packedLength}, plain Deflate {plain}");
    }

    [Fact]
    public void ADamagedOrTruncatedPackedFileIsRefusedAndNothingIsWritten()
    {
        string packed = Path.Combine(directory, "state.safetensors.packed");
        PackedCheckpoint.Pack(WriteCheckpoint("state.safetensors"), packed);
        byte[] bytes = File.ReadAllBytes(packed);
        string restored = Path.Combine(directory, "restored.safetensors");

        string truncated = Path.Combine(directory, "truncated.packed");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<CheckpointException>(() => PackedCheckpoint.Unpack(truncated, restored));
        Assert.Equal(truncated, error.FilePath);
        Assert.False(File.Exists(restored));

        // A flipped byte inside the compressed stream: either Deflate rejects it, or it restores other bytes, which the SHA-256 catches.
        for (int offset = 48 + 100; offset < bytes.Length; offset += bytes.Length / 7)
        {
            string damaged = Path.Combine(directory, $"damaged-{offset}.packed");
            byte[] copy = (byte[])bytes.Clone();
            copy[offset] ^= 0x5A;
            File.WriteAllBytes(damaged, copy);
            error = Assert.Throws<CheckpointException>(() => PackedCheckpoint.Unpack(damaged, restored));
            Assert.Contains(damaged, error.Message);
            Assert.False(File.Exists(restored));
        }

        // A recorded SHA-256 that does not match names both hashes.
        byte[] wrongSha = (byte[])bytes.Clone();
        wrongSha[20] ^= 1;
        string mislabelled = Path.Combine(directory, "mislabelled.packed");
        File.WriteAllBytes(mislabelled, wrongSha);
        error = Assert.Throws<CheckpointException>(() => PackedCheckpoint.Verify(mislabelled));
        Assert.Contains("not the recorded", error.Message);
    }

    [Fact]
    public void TheWrongKindOfFileIsNamedWithTheFix()
    {
        string safetensors = WriteCheckpoint("state.safetensors");
        var error = Assert.Throws<CheckpointException>(() => PackedCheckpoint.Unpack(safetensors, Path.Combine(directory, "x.safetensors")));
        Assert.Contains("not a packed checkpoint", error.Message);
        Assert.Contains("checkpoint pack", error.Message);

        string text = Path.Combine(directory, "notes.txt");
        File.WriteAllText(text, "not a checkpoint at all");
        error = Assert.Throws<CheckpointException>(() => PackedCheckpoint.Pack(text, Path.Combine(directory, "notes.packed")));
        Assert.Equal(text, error.FilePath);
        Assert.Contains("not a safetensors file", error.Message);
        Assert.False(File.Exists(Path.Combine(directory, "notes.packed")));
    }
}
