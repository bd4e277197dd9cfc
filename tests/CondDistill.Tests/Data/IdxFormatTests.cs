using System.IO.Compression;
using CondDistill.Data;

namespace CondDistill.Tests.Data;

public sealed class IdxFormatTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "conddistill-idx-" + Guid.NewGuid().ToString("N"));

    public IdxFormatTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string PathIn(string name) => Path.Combine(folder, name);

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(raw);
        return output.ToArray();
    }

    private static DatasetFormatException AssertNamesFile(string path, DatasetProblem problem, Action read)
    {
        var error = Assert.Throws<DatasetFormatException>(read);
        Assert.Equal(problem, error.Problem);
        Assert.Equal(path, error.FilePath);
        Assert.Contains($"'{path}'", error.Message);
        Assert.Contains("/usr/share/datasets/fashion-mnist", error.Message);
        Assert.Contains("data/fashion-mnist/README.md", error.Message);
        return error;
    }

    [Theory]
    [InlineData("images.gz")]
    [InlineData("images")]
    public void ImagesRoundTripThroughGzippedAndRawFiles(string name)
    {
        byte[] pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        IdxFormat.WriteImages(PathIn(name), pixels, count: 2, rows: 3, columns: 4);

        var read = IdxFormat.ReadImages(PathIn(name), expectedRows: 3, expectedColumns: 4);

        Assert.Equal((2, 3, 4), (read.Count, read.Rows, read.Columns));
        Assert.Equal(pixels, read.Pixels);
        Assert.Equal(PathIn(name), read.Path);
        Assert.False(File.Exists(PathIn(name) + ".tmp"));
    }

    [Fact]
    public void GzipIsRecognisedByContentNotByName()
    {
        IdxFormat.WriteLabels(PathIn("labels.gz"), [3, 1, 4]);
        File.Move(PathIn("labels.gz"), PathIn("labels-without-extension"));

        Assert.Equal(new byte[] { 3, 1, 4 }, IdxFormat.ReadLabels(PathIn("labels-without-extension")).Labels);
    }

    [Fact]
    public void EncodeWritesTheBigEndianHeader()
    {
        byte[] bytes = IdxFormat.Encode(IdxFormat.ImageMagic, [1, 2, 258], new byte[516]);

        Assert.Equal(new byte[] { 0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 1, 2 }, bytes[..16]);
        Assert.Equal(16 + 516, bytes.Length);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        string path = PathIn("train-images-idx3-ubyte.gz");
        var error = AssertNamesFile(path, DatasetProblem.MissingFile, () => IdxFormat.ReadImages(path));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void TruncatedPayloadSaysExpectedAndFoundLength()
    {
        string path = PathIn("short.gz");
        File.WriteAllBytes(path, Gzip(IdxFormat.Encode(IdxFormat.ImageMagic, [2, 28, 28], new byte[784 + 100])));

        var error = AssertNamesFile(path, DatasetProblem.Truncated, () => IdxFormat.ReadImages(path, 28, 28));

        Assert.Contains("1568 payload bytes", error.Message);
        Assert.Contains("holds only 884", error.Message);
    }

    [Fact]
    public void TruncatedHeaderIsReported()
    {
        string path = PathIn("header-only");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0]);

        var error = AssertNamesFile(path, DatasetProblem.Truncated, () => IdxFormat.ReadImages(path));
        Assert.Contains("needs 16", error.Message);
    }

    [Fact]
    public void GzipCutInHalfIsReportedAsTruncatedOrCorrupt()
    {
        string path = PathIn("cut.gz");
        byte[] whole = Gzip(IdxFormat.Encode(IdxFormat.LabelMagic, [5000], Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray()));
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxFormat.ReadLabels(path));

        Assert.Contains(error.Problem, new[] { DatasetProblem.Truncated, DatasetProblem.CorruptGzip });
        Assert.Contains($"'{path}'", error.Message);
    }

    [Fact]
    public void TrailingBytesAreReported()
    {
        string path = PathIn("long");
        File.WriteAllBytes(path, IdxFormat.Encode(IdxFormat.LabelMagic, [3], new byte[4]));

        var error = AssertNamesFile(path, DatasetProblem.TrailingBytes, () => IdxFormat.ReadLabels(path));
        Assert.Contains("3 = 3 payload bytes", error.Message);
    }

    [Fact]
    public void LabelFileReadAsImagesIsWrongMagicWithBothNumbers()
    {
        string path = PathIn("labels.gz");
        IdxFormat.WriteLabels(path, [1, 2, 3]);

        var error = AssertNamesFile(path, DatasetProblem.WrongMagic, () => IdxFormat.ReadImages(path));

        Assert.Contains("expected IDX magic number 0x00000803", error.Message);
        Assert.Contains("found 0x00000801", error.Message);
        Assert.Contains("swapped", error.Message);
    }

    [Fact]
    public void NonIdxFileIsWrongMagic()
    {
        string path = PathIn("text.gz");
        File.WriteAllText(path, "hello, this is not IDX");

        var error = AssertNamesFile(path, DatasetProblem.WrongMagic, () => IdxFormat.ReadLabels(path));
        Assert.Contains("first two bytes must be zero", error.Message);
    }

    [Fact]
    public void NonByteTypeCodeIsWrongMagic()
    {
        string path = PathIn("floats");
        File.WriteAllBytes(path, [0, 0, 0x0D, 1, 0, 0, 0, 0]);

        var error = AssertNamesFile(path, DatasetProblem.WrongMagic, () => IdxFormat.ReadLabels(path));
        Assert.Contains("type code 0x0D", error.Message);
    }

    [Fact]
    public void CorruptGzipIsReported()
    {
        string path = PathIn("bad.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff, 0xff, 0x00, 0x12]);

        var error = AssertNamesFile(path, DatasetProblem.CorruptGzip, () => IdxFormat.ReadImages(path));
        Assert.Contains("does not decompress", error.Message);
    }

    [Fact]
    public void OtherImageSizeIsWrongDimensions()
    {
        string path = PathIn("big.gz");
        IdxFormat.WriteImages(path, new byte[32 * 32], 1, 32, 32);

        var error = AssertNamesFile(path, DatasetProblem.WrongDimensions, () => IdxFormat.ReadImages(path, 28, 28));
        Assert.Contains("expected 28x28 images, found 32x32", error.Message);
    }

    [Fact]
    public void WriteRejectsAPixelCountThatDoesNotMatch()
    {
        var error = Assert.Throws<ArgumentException>(() => IdxFormat.WriteImages(PathIn("x"), new byte[10], 1, 3, 3));
        Assert.Contains("expected 9", error.Message);
    }
}
