using CondDistill.Runtime;
using System.Buffers.Binary;
using System.IO.Compression;

namespace CondDistill.Data;

/// <summary>
/// Reads and writes IDX files (the MNIST container format: a big-endian magic number
/// 0x0000TTDD with type code TT and DD dimensions, DD big-endian int32 sizes, then the raw
/// payload), either raw or gzipped; gzip is recognised by its magic bytes, not by the file name.
/// Only the uint8 type (0x08) is supported. Every failure is a <see cref="DatasetFormatException"/>
/// that names the file, what was expected and what was found.
/// </summary>
public static class IdxFormat
{
    /// <summary>Magic number of a uint8 image file: type 0x08, three dimensions (count, rows, columns).</summary>
    public const int ImageMagic = 0x00000803;

    /// <summary>Magic number of a uint8 label file: type 0x08, one dimension (count).</summary>
    public const int LabelMagic = 0x00000801;

    private const byte GzipFirstByte = 0x1f;
    private const byte GzipSecondByte = 0x8b;

    /// <summary>Reads and validates an IDX image file (gzipped or raw).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="expectedRows">If given, the required image height.</param>
    /// <param name="expectedColumns">If given, the required image width.</param>
    /// <exception cref="DatasetFormatException">The file is missing, corrupt, not an image file, or has other dimensions.</exception>
    public static IdxImages ReadImages(string path, int? expectedRows = null, int? expectedColumns = null)
    {
        string fullPath = Path.GetFullPath(path);
        return ParseImages(ReadDecompressed(fullPath), fullPath, expectedRows, expectedColumns);
    }

    /// <summary>Reads and validates an IDX label file (gzipped or raw).</summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="DatasetFormatException">The file is missing, corrupt, or not a label file.</exception>
    public static IdxLabels ReadLabels(string path)
    {
        string fullPath = Path.GetFullPath(path);
        return ParseLabels(ReadDecompressed(fullPath), fullPath);
    }

    /// <summary>Returns the bytes of a file, decompressed if the file is gzip.</summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="DatasetFormatException">The file is missing or is corrupt gzip.</exception>
    public static byte[] ReadDecompressed(string path)
    {
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new DatasetFormatException(fullPath, DatasetProblem.MissingFile, "the file does not exist.");
        byte[] bytes = File.ReadAllBytes(fullPath);
        if (!IsGzip(bytes)) return bytes;
        try
        {
            using var compressed = new MemoryStream(bytes, writable: false);
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            using var decompressed = new MemoryStream(capacity: bytes.Length * 2);
            gzip.CopyTo(decompressed);
            return decompressed.ToArray();
        }
        catch (InvalidDataException error)
        {
            throw new DatasetFormatException(fullPath, DatasetProblem.CorruptGzip,
                $"the file starts with the gzip signature but does not decompress ({error.Message}); expected a valid gzip stream of an IDX file.",
                error);
        }
    }

    /// <summary>Validates decompressed IDX image bytes and wraps them.</summary>
    /// <param name="bytes">The whole decompressed file.</param>
    /// <param name="path">The file name to put in error messages and in the result.</param>
    /// <param name="expectedRows">If given, the required image height.</param>
    /// <param name="expectedColumns">If given, the required image width.</param>
    /// <exception cref="DatasetFormatException">The bytes are not a complete uint8 image file of the expected size.</exception>
    public static IdxImages ParseImages(byte[] bytes, string path, int? expectedRows = null, int? expectedColumns = null)
    {
        int[] dimensions = ParseHeader(bytes, path, ImageMagic, "uint8 images: count, rows, columns");
        int count = dimensions[0], rows = dimensions[1], columns = dimensions[2];
        if ((expectedRows is int r && r != rows) || (expectedColumns is int c && c != columns))
            throw new DatasetFormatException(path, DatasetProblem.WrongDimensions,
                $"expected {expectedRows?.ToString() ?? "any"}x{expectedColumns?.ToString() ?? "any"} images, found {rows}x{columns}.");
        CheckPayloadLength(bytes, path, headerLength: 16, dimensions);
        return new IdxImages(path, count, rows, columns, bytes.AsSpan(16).ToArray());
    }

    /// <summary>Validates decompressed IDX label bytes and wraps them.</summary>
    /// <param name="bytes">The whole decompressed file.</param>
    /// <param name="path">The file name to put in error messages and in the result.</param>
    /// <exception cref="DatasetFormatException">The bytes are not a complete uint8 label file.</exception>
    public static IdxLabels ParseLabels(byte[] bytes, string path)
    {
        int[] dimensions = ParseHeader(bytes, path, LabelMagic, "uint8 labels: count");
        CheckPayloadLength(bytes, path, headerLength: 8, dimensions);
        return new IdxLabels(path, bytes.AsSpan(8).ToArray());
    }

    /// <summary>Writes an IDX image file, gzipped when the path ends in ".gz"; atomic (temporary file, then rename).</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="pixels">count * rows * columns bytes, image after image, row-major.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="rows">Image height.</param>
    /// <param name="columns">Image width.</param>
    /// <exception cref="ArgumentException">The pixel count does not match count * rows * columns.</exception>
    public static void WriteImages(string path, ReadOnlySpan<byte> pixels, int count, int rows, int columns)
    {
        if ((long)count * rows * columns != pixels.Length)
            throw new ArgumentException(
                $"{pixels.Length} pixel bytes given for {count} images of {rows}x{columns} (expected {(long)count * rows * columns}).", nameof(pixels));
        WriteIdx(path, ImageMagic, [count, rows, columns], pixels);
    }

    /// <summary>Writes an IDX label file, gzipped when the path ends in ".gz"; atomic (temporary file, then rename).</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="labels">One byte per item.</param>
    public static void WriteLabels(string path, ReadOnlySpan<byte> labels) =>
        WriteIdx(path, LabelMagic, [labels.Length], labels);

    /// <summary>Builds the bytes of a raw (not gzipped) IDX file: magic, big-endian sizes, payload.</summary>
    /// <param name="magic">The magic number, e.g. <see cref="ImageMagic"/>.</param>
    /// <param name="dimensions">The sizes; their number must match the magic's last byte.</param>
    /// <param name="payload">The raw uint8 payload.</param>
    public static byte[] Encode(int magic, IReadOnlyList<int> dimensions, ReadOnlySpan<byte> payload)
    {
        byte[] bytes = new byte[4 + 4 * dimensions.Count + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dimensions.Count; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        payload.CopyTo(bytes.AsSpan(4 + 4 * dimensions.Count));
        return bytes;
    }

    private static void WriteIdx(string path, int magic, int[] dimensions, ReadOnlySpan<byte> payload)
    {
        string fullPath = Path.GetFullPath(path);
        byte[] raw = Encode(magic, dimensions, payload);
        AtomicFile.Write(fullPath, file =>
        {
            if (fullPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                using var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
                gzip.Write(raw);
            }
            else
            {
                file.Write(raw);
            }
        });
    }

    private static bool IsGzip(byte[] bytes) => bytes.Length >= 2 && bytes[0] == GzipFirstByte && bytes[1] == GzipSecondByte;

    private static int[] ParseHeader(byte[] bytes, string path, int expectedMagic, string expectedContent)
    {
        if (bytes.Length < 4)
            throw new DatasetFormatException(path, DatasetProblem.Truncated,
                $"the (decompressed) file has {bytes.Length} bytes; an IDX header needs at least 4.");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
            throw new DatasetFormatException(path, DatasetProblem.WrongMagic,
                $"expected IDX magic number 0x{expectedMagic:X8} ({expectedContent}), found 0x{magic:X8}{DescribeMagic(magic)}.");
        int dimensionCount = magic & 0xff;
        int headerLength = 4 + 4 * dimensionCount;
        if (bytes.Length < headerLength)
            throw new DatasetFormatException(path, DatasetProblem.Truncated,
                $"the (decompressed) file has {bytes.Length} bytes; its IDX header alone needs {headerLength}.");
        int[] dimensions = new int[dimensionCount];
        for (int i = 0; i < dimensionCount; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dimensions[i] < 0 || (i > 0 && dimensions[i] == 0))
                throw new DatasetFormatException(path, DatasetProblem.WrongDimensions,
                    $"IDX size {i} is {dimensions[i]}; expected a positive size.");
        }
        return dimensions;
    }

    private static void CheckPayloadLength(byte[] bytes, string path, int headerLength, int[] dimensions)
    {
        long expected = 1;
        foreach (int size in dimensions) expected *= size;
        long found = bytes.LongLength - headerLength;
        string sizes = string.Join(" x ", dimensions);
        if (found < expected)
            throw new DatasetFormatException(path, DatasetProblem.Truncated,
                $"the header promises {sizes} = {expected} payload bytes but the (decompressed) file holds only {found}; the file is truncated.");
        if (found > expected)
            throw new DatasetFormatException(path, DatasetProblem.TrailingBytes,
                $"the header promises {sizes} = {expected} payload bytes but the (decompressed) file holds {found}; the file has trailing bytes.");
    }

    private static string DescribeMagic(int magic) => magic switch
    {
        ImageMagic => " (an image file: were the image and label files swapped?)",
        LabelMagic => " (a label file: were the image and label files swapped?)",
        _ when (magic >> 16) != 0 => " (not an IDX file: the first two bytes must be zero)",
        _ when ((magic >> 8) & 0xff) != 0x08 => $" (IDX type code 0x{(magic >> 8) & 0xff:X2}; only 0x08 = uint8 is supported)",
        _ => $" ({magic & 0xff} dimensions)",
    };
}
