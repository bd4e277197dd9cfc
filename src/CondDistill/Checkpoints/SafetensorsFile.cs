using CondDistill.Runtime;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Checkpoints;

/// <summary>
/// Reader and writer of the safetensors format: an unsigned 64-bit little-endian header length N,
/// N bytes of JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}
/// (padded with spaces to a multiple of 8), then the raw little-endian tensor bytes. Files are
/// written atomically; reading validates the header, every offset and the data length, and every
/// failure is a <see cref="CheckpointException"/> naming the file and the tensor or field.
/// </summary>
public static class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes <paramref name="tensors"/> (any device; names in the given order) and <paramref name="metadata"/> to <paramref name="path"/> atomically (tmp file, then rename).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing assumes a little-endian machine.");
        var entries = tensors.ToList();
        var header = new JsonObject();
        if (metadata is not null && metadata.Count > 0)
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata) meta[key] = value;
            header[MetadataKey] = meta;
        }
        long offset = 0;
        foreach (var (name, tensor) in entries)
        {
            if (name == MetadataKey) throw new ArgumentException($"Tensor name '{MetadataKey}' is reserved in safetensors.", nameof(tensors));
            if (header.ContainsKey(name)) throw new ArgumentException($"Tensor name '{name}' appears twice.", nameof(tensors));
            long bytes = tensor.numel() * ElementSize(tensor.dtype, name);
            header[name] = new JsonObject
            {
                ["dtype"] = DtypeName(tensor.dtype, name),
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8;

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(headerBytes);
            for (int i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var (_, tensor) in entries)
            {
                using var cpu = tensor.detach().cpu().contiguous();
                stream.Write(cpu.bytes);
            }
        });
    }

    /// <summary>Reads and validates a safetensors file; the tensors are on the CPU.</summary>
    /// <exception cref="CheckpointException">Missing, truncated or malformed file (the message names the file and what is wrong).</exception>
    public static SafetensorsContent Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new CheckpointException(path, "file not found.");
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8) throw new CheckpointException(path, $"file has {file.Length} bytes, fewer than the 8-byte header length (truncated or not a safetensors file).");
        long headerLength = CheckHeaderLength(path, BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(0, 8)), file.Length);
        long dataStart = 8 + headerLength;
        long dataLength = file.Length - dataStart;
        var header = ParseHeader(path, file.AsSpan(8, (int)headerLength));
        var metadata = MetadataOf(path, header);

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        long dataEnd = 0;
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == MetadataKey) continue;
                var (dtype, shape, begin, end) = ParseEntry(path, name, node);
                long expectedBytes = shape.Aggregate(1L, (a, d) => a * d) * ElementSize(dtype, name);
                if (end - begin != expectedBytes)
                    throw new CheckpointException(path, $"tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes, but dtype and shape need {expectedBytes}.");
                if (end > dataLength)
                    throw new CheckpointException(path, $"tensor '{name}': data ends at byte {end} of the data section, which has only {dataLength} bytes (file truncated).");
                dataEnd = Math.Max(dataEnd, end);
                var tensor = empty(shape, dtype);
                if (expectedBytes > 0) tensor.bytes = file.AsSpan((int)(dataStart + begin), (int)expectedBytes);
                tensors[name] = tensor;
            }
            if (dataEnd != dataLength)
                throw new CheckpointException(path, $"data section has {dataLength} bytes but the tensors use {dataEnd} (trailing bytes: corrupt file).");
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
        return new SafetensorsContent(path, metadata, tensors);
    }

    /// <summary>
    /// Reads only the <c>__metadata__</c> map: the length field and the JSON header, not the tensor data (a
    /// 142 MB training state costs a few kilobytes of reading). The header is checked as in <see cref="Read"/>;
    /// the data section is not, so a file cut off inside its tensor data still yields its metadata here and
    /// fails only when loaded.
    /// </summary>
    /// <exception cref="CheckpointException">Missing file, or a truncated or malformed header.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new CheckpointException(path, "file not found.");
        using var stream = File.OpenRead(path);
        Span<byte> lengthField = stackalloc byte[8];
        if (stream.ReadAtLeast(lengthField, 8, throwOnEndOfStream: false) < 8)
            throw new CheckpointException(path, $"file has {stream.Length} bytes, fewer than the 8-byte header length (truncated or not a safetensors file).");
        long headerLength = CheckHeaderLength(path, BinaryPrimitives.ReadUInt64LittleEndian(lengthField), stream.Length);
        byte[] headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        return MetadataOf(path, ParseHeader(path, headerBytes));
    }

    /// <summary>The header length as a long, checked against the file's size.</summary>
    private static long CheckHeaderLength(string path, ulong headerLength, long fileLength)
    {
        if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw new CheckpointException(path, $"header length {headerLength} exceeds the {fileLength - 8} bytes after the length field (truncated or not a safetensors file).");
        return (long)headerLength;
    }

    private static JsonObject ParseHeader(string path, ReadOnlySpan<byte> headerBytes)
    {
        try
        {
            return JsonNode.Parse(headerBytes) as JsonObject ?? throw new CheckpointException(path, "header is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"header is not valid JSON ({e.Message}); the file is truncated or not a safetensors file.", e);
        }
    }

    /// <summary>The header's <c>__metadata__</c> strings (empty when the header has none).</summary>
    private static Dictionary<string, string> MetadataOf(string path, JsonObject header)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!header.TryGetPropertyValue(MetadataKey, out var node)) return metadata;
        if (node is not JsonObject meta) throw new CheckpointException(path, $"'{MetadataKey}' is not a JSON object.");
        foreach (var (key, value) in meta)
            metadata[key] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text
                : throw new CheckpointException(path, $"metadata field '{key}' is not a string.");
        return metadata;
    }

    private static (ScalarType Dtype, long[] Shape, long Begin, long End) ParseEntry(string path, string name, JsonNode? node)
    {
        if (node is not JsonObject entry) throw new CheckpointException(path, $"tensor '{name}': header entry is not a JSON object.");
        try
        {
            var dtype = ScalarTypeOf(entry["dtype"]?.GetValue<string>() ?? throw new CheckpointException(path, $"tensor '{name}': no 'dtype'."), path, name);
            var shape = (entry["shape"] as JsonArray ?? throw new CheckpointException(path, $"tensor '{name}': no 'shape'."))
                .Select(d => d!.GetValue<long>()).ToArray();
            var offsets = entry["data_offsets"] as JsonArray ?? throw new CheckpointException(path, $"tensor '{name}': no 'data_offsets'.");
            if (offsets.Count != 2) throw new CheckpointException(path, $"tensor '{name}': 'data_offsets' must have two entries.");
            long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
            if (begin < 0 || end < begin || shape.Any(d => d < 0))
                throw new CheckpointException(path, $"tensor '{name}': invalid shape or data_offsets [{begin}, {end}].");
            return (dtype, shape, begin, end);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new CheckpointException(path, $"tensor '{name}': malformed header entry ({e.Message}).", e);
        }
    }

    /// <summary>The safetensors dtype name of a TorchSharp scalar type.</summary>
    internal static string DtypeName(ScalarType type, string tensorName) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"Tensor '{tensorName}': dtype {type} cannot be stored in safetensors."),
    };

    private static ScalarType ScalarTypeOf(string name, string path, string tensorName) => name switch
    {
        "F32" => ScalarType.Float32,
        "F64" => ScalarType.Float64,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new CheckpointException(path, $"tensor '{tensorName}': unsupported dtype '{name}'."),
    };

    private static long ElementSize(ScalarType type, string tensorName) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new ArgumentException($"Tensor '{tensorName}': dtype {type} cannot be stored in safetensors."),
    };
}
