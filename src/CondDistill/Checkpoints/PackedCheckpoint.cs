using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using CondDistill.Runtime;

namespace CondDistill.Checkpoints;

/// <summary>
/// A lossless, smaller transport form of a safetensors file, for carrying a training run's resume state between
/// machines in the repository: the tensor bytes are byte-shuffled (all first bytes of the 4-byte words, then all
/// second bytes, ...) and Deflate-compressed. Float32 weights and optimiser moments keep their sign and exponent in
/// the high bytes, which repeat from word to word; grouped, they compress, where plain Deflate finds little (the
/// base-48 resume state: 141.7 MB, 130 MB with gzip alone, 118 MB packed). Unpacking restores the file byte for
/// byte and checks it against the SHA-256 recorded when it was packed; training never reads the packed form.
/// </summary>
/// <remarks>
/// Layout: the 8 ASCII bytes <c>CDPACK1\n</c>, the original length (int64, little-endian), the original's SHA-256
/// (32 bytes), then one Deflate stream holding the original's length field and JSON header unchanged, the
/// shuffled data section, and the data section's last (length mod 4) bytes unshuffled.
/// </remarks>
public static class PackedCheckpoint
{
    private static readonly byte[] Magic = "CDPACK1\n"u8.ToArray();
    private const int WordBytes = 4;

    /// <summary>Packs the safetensors file <paramref name="source"/> into <paramref name="destination"/> (written atomically).</summary>
    /// <returns>The SHA-256 of the source, as recorded in the packed file.</returns>
    /// <exception cref="CheckpointException">The source is not a safetensors file (its header length does not fit the file).</exception>
    public static string Pack(string source, string destination)
    {
        byte[] original = File.ReadAllBytes(source);
        int dataStart = DataStart(source, original);
        byte[] sha = SHA256.HashData(original);
        AtomicFile.Write(destination, stream =>
        {
            stream.Write(Magic);
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, original.LongLength);
            stream.Write(length);
            stream.Write(sha);
            using var deflate = new DeflateStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            deflate.Write(original, 0, dataStart);
            deflate.Write(Shuffle(original.AsSpan(dataStart)));
        });
        return Convert.ToHexStringLower(sha);
    }

    /// <summary>Unpacks <paramref name="source"/> into the safetensors file <paramref name="destination"/> (written atomically, only after its length and SHA-256 match the ones recorded).</summary>
    /// <returns>The SHA-256 of the restored file.</returns>
    /// <exception cref="CheckpointException">The source is not a packed checkpoint, is truncated, or does not restore the recorded bytes; nothing is written then.</exception>
    public static string Unpack(string source, string destination)
    {
        var (restored, sha) = Restore(source);
        AtomicFile.Write(destination, stream => stream.Write(restored));
        return sha;
    }

    /// <summary>Unpacks <paramref name="source"/> in memory and checks it against its recorded length and SHA-256, writing nothing.</summary>
    /// <returns>The SHA-256 of the file it restores.</returns>
    /// <exception cref="CheckpointException">As for <see cref="Unpack"/>.</exception>
    public static string Verify(string source) => Restore(source).Sha256;

    private static (byte[] Bytes, string Sha256) Restore(string source)
    {
        using var input = File.OpenRead(source);
        var prefix = new byte[Magic.Length + 8 + 32];
        if (input.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false) < prefix.Length || !prefix.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointException(source, "not a packed checkpoint (it does not start with 'CDPACK1'). Fix: pass a file written by 'condistill checkpoint pack'.");
        long length = BinaryPrimitives.ReadInt64LittleEndian(prefix.AsSpan(Magic.Length, 8));
        if (length < 8 || length > Array.MaxLength)
            throw new CheckpointException(source, $"the recorded original length {length} is impossible; the file is damaged.");
        string recordedSha = Convert.ToHexStringLower(prefix.AsSpan(Magic.Length + 8, 32));

        var packed = new byte[length];
        int read;
        bool trailing;
        try
        {
            using var deflate = new DeflateStream(input, CompressionMode.Decompress);
            read = deflate.ReadAtLeast(packed, packed.Length, throwOnEndOfStream: false);
            trailing = read == length && deflate.ReadByte() >= 0;
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException(source, "its compressed stream is damaged. Fix: take the file again from where it came from (e.g. git checkout).", e);
        }
        if (read < length)
            throw new CheckpointException(source, $"truncated: it unpacks to {read} of the recorded {length} bytes. Fix: take the file again from where it came from.");
        if (trailing)
            throw new CheckpointException(source, $"it unpacks to more than the recorded {length} bytes; the file is damaged.");

        int dataStart = DataStart(source, packed);
        byte[] restored = new byte[length];
        packed.AsSpan(0, dataStart).CopyTo(restored);
        Unshuffle(packed.AsSpan(dataStart), restored.AsSpan(dataStart));
        string sha = Convert.ToHexStringLower(SHA256.HashData(restored));
        if (sha != recordedSha)
            throw new CheckpointException(source, $"the unpacked bytes have SHA-256 {sha}, not the recorded {recordedSha}; the file is damaged and nothing was written.");
        return (restored, sha);
    }

    /// <summary>Groups byte k of every 4-byte word together (k = 0..3); a trailing partial word is kept as it is.</summary>
    public static byte[] Shuffle(ReadOnlySpan<byte> data)
    {
        var shuffled = new byte[data.Length];
        int words = data.Length / WordBytes;
        for (int k = 0; k < WordBytes; k++)
        {
            var plane = shuffled.AsSpan(k * words, words);
            for (int i = 0; i < words; i++) plane[i] = data[i * WordBytes + k];
        }
        data[(words * WordBytes)..].CopyTo(shuffled.AsSpan(words * WordBytes));
        return shuffled;
    }

    /// <summary>The inverse of <see cref="Shuffle"/>, written into <paramref name="data"/> (same length as <paramref name="shuffled"/>).</summary>
    public static void Unshuffle(ReadOnlySpan<byte> shuffled, Span<byte> data)
    {
        int words = shuffled.Length / WordBytes;
        for (int k = 0; k < WordBytes; k++)
        {
            var plane = shuffled.Slice(k * words, words);
            for (int i = 0; i < words; i++) data[i * WordBytes + k] = plane[i];
        }
        shuffled[(words * WordBytes)..].CopyTo(data[(words * WordBytes)..]);
    }

    private static int DataStart(string path, byte[] bytes)
    {
        long headerLength = bytes.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : -1;
        if (headerLength < 2 || headerLength > bytes.Length - 8)
            throw new CheckpointException(path, $"not a safetensors file: its header length field ({headerLength}) does not fit its {bytes.Length} bytes.");
        return (int)(8 + headerLength);
    }
}
