using CondDistill.Reporting;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace CondDistill.Tests.Reporting;

public sealed class ImageGridTests
{
    private static readonly ImageGridOptions Plain = new() { Scale = 1, Padding = 1, Background = 7 };

    [Fact]
    public void GreyBatchRoundTripsThroughPngWithinOneGreyLevel()
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.linspace(-1, 1, 2 * 28 * 28).reshape(2, 1, 28, 28);
        string path = Path.Combine(Path.GetTempPath(), $"grid-{Guid.NewGuid():N}.png");
        ImageGrid.SaveBatch(path, images, columns: 2, Plain);
        using var png = Image.Load<L8>(path);
        File.Delete(path);

        Assert.Equal(1 + 2 * (28 + 1), png.Width);
        Assert.Equal(1 + 28 + 1, png.Height);
        var values = images.data<float>().ToArray();
        for (int i = 0; i < 2; i++)
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    double expected = (values[i * 784 + y * 28 + x] + 1) / 2 * 255;
                    byte actual = png[1 + i * 29 + x, 1 + y].PackedValue;
                    Assert.True(Math.Abs(actual - expected) <= 1.0, $"tile {i} ({x},{y}): {actual} vs {expected:F2}");
                }
        Assert.Equal(7, png[0, 0].PackedValue); // padding keeps the background
    }

    [Fact]
    public void ValuesOutsideTheRangeAreClippedAndScaleRepeatsPixels()
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.tensor(new float[] { -3f, 5f, 0f, 1f }).reshape(1, 1, 2, 2);
        using var image = ImageGrid.FromBatch(images, 1, Plain with { Scale = 3, Padding = 0 });
        var grey = image.CloneAs<L8>();
        Assert.Equal(6, grey.Width);
        Assert.Equal(0, grey[0, 0].PackedValue);
        Assert.Equal(0, grey[2, 2].PackedValue);
        Assert.Equal(255, grey[3, 0].PackedValue);
        Assert.Equal(128, grey[0, 3].PackedValue); // 0 maps to 127.5, rounded to even
        Assert.Equal(255, grey[5, 5].PackedValue);
    }

    [Fact]
    public void AnyRgbRowMakesAnRgbImageAndGreyRowsStayGrey()
    {
        using var scope = torch.NewDisposeScope();
        var red = torch.cat(new[] { torch.ones(1, 1, 4, 4), -torch.ones(1, 2, 4, 4) }, dim: 1);
        var grey = torch.zeros(1, 1, 4, 4);
        using var image = ImageGrid.FromRows(new[] { new GridRow(null, red), new GridRow(null, grey) }, Plain with { Padding = 0 });
        Assert.IsType<Image<Rgb24>>(image);
        var rgb = (Image<Rgb24>)image;
        Assert.Equal(new Rgb24(255, 0, 0), rgb[0, 0]);
        Assert.Equal(new Rgb24(128, 128, 128), rgb[0, 4]);
    }

    [Fact]
    public void RowLabelsAreDrawnInALabelColumnLeftOfTheTiles()
    {
        using var scope = torch.NewDisposeScope();
        var white = torch.ones(2, 1, 8, 8);
        var options = new ImageGridOptions { Scale = 1, Padding = 1, Background = 255, LabelColor = 0 };
        using var labelled = ImageGrid.FromRows(new[] { new GridRow("SR4", white), new GridRow("x", white) }, options);
        using var plain = ImageGrid.FromRows(new[] { new GridRow(null, white), new GridRow(null, white) }, options);
        var grey = labelled.CloneAs<L8>();

        int labelColumn = labelled.Width - plain.Width;
        Assert.Equal(3 * 6 + 1, labelColumn); // three glyphs of 5 + 1 spacing, plus padding
        int dark = 0;
        for (int y = 0; y < grey.Height; y++)
            for (int x = 0; x < labelColumn; x++)
                if (grey[x, y].PackedValue == 0) dark++;
        Assert.True(dark > 20, $"expected label pixels, found {dark}");
    }

    [Fact]
    public void TwoChannelBatchIsRejectedWithAHint()
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => ImageGrid.FromBatch(torch.zeros(2, 2, 8, 8), 2));
        Assert.Contains("one channel per row", error.Message);
    }

    [Fact]
    public void MismatchedTileSizesAreRejected()
    {
        using var scope = torch.NewDisposeScope();
        var rows = new[] { new GridRow("a", torch.zeros(1, 1, 8, 8)), new GridRow("b", torch.zeros(1, 1, 7, 7)) };
        var error = Assert.Throws<ArgumentException>(() => ImageGrid.FromRows(rows));
        Assert.Contains("Row 1 ('b')", error.Message);
    }
}
