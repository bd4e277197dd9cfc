using CondDistill.Notebooks;
using Microsoft.DotNet.Interactive.Formatting;
using TorchSharp;

namespace CondDistill.Tests.Notebooks;

public sealed class NotebookDisplayTests
{
    /// <summary>Width and height from a PNG's IHDR chunk (big-endian at bytes 16 and 20).</summary>
    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [Fact]
    public void Batch_of_ten_28px_images_is_two_rows_of_eight_tiles()
    {
        using var images = torch.zeros(10, 1, 28, 28);
        // ImageGrid defaults: scale 2, padding 2 -> width 2 + 8 * (56 + 2), height 2 + 2 * (56 + 2).
        Assert.Equal((466, 118), PngSize(NotebookDisplay.TensorGridPng(images)));
    }

    [Fact]
    public void Batch_without_channel_axis_is_shown_too()
    {
        using var images = torch.zeros(3, 8, 8);
        Assert.Equal((2 + 3 * 18, 2 + 18), PngSize(NotebookDisplay.TensorGridPng(images)));
    }

    [Fact]
    public void Pixel_values_map_minus_one_to_black_and_one_to_white()
    {
        using var images = torch.cat([torch.full(1, 1, 4, 4, -1.0), torch.full(1, 1, 4, 4, 1.0)]);
        using var grid = NotebookDisplay.TensorGrid(images, options: new CondDistill.Reporting.ImageGridOptions { Scale = 1, Padding = 0 });
        using var grey = grid.CloneAs<SixLabors.ImageSharp.PixelFormats.L8>();
        Assert.Equal((8, 4), (grey.Width, grey.Height));
        Assert.Equal((0, 255), (grey[0, 0].PackedValue, grey[4, 0].PackedValue));
    }

    [Theory]
    [InlineData(new long[] { 2, 1, 28, 28 }, true)]
    [InlineData(new long[] { 2, 3, 8, 8 }, true)]
    [InlineData(new long[] { 4, 28, 28 }, true)]
    [InlineData(new long[] { 2, 2, 28, 28 }, false)] // two channels: not an image
    [InlineData(new long[] { 16, 1, 3, 3 }, false)] // conv weights: too small
    [InlineData(new long[] { 10 }, false)]
    public void Only_image_batches_are_shown_as_images(long[] shape, bool image)
    {
        using var tensor = torch.zeros(shape);
        Assert.Equal(image, NotebookDisplay.IsImageBatch(tensor));
    }

    [Fact]
    public void Registered_formatters_render_tensors_tables_and_fragments_as_html()
    {
        NotebookDisplay.Register();
        NotebookDisplay.Register(); // idempotent
        using var images = torch.zeros(2, 1, 8, 8);
        Assert.StartsWith("<img src=\"data:image/png;base64,iVBORw0KGgo", images.ToDisplayString(HtmlFormatter.MimeType));
        var table = new MetricsTable(["a"]).AddRow(1.0);
        Assert.Equal(table.ToHtml(), table.ToDisplayString(HtmlFormatter.MimeType));
        Assert.Equal("<b>x</b>", new HtmlFragment("<b>x</b>").ToDisplayString(HtmlFormatter.MimeType));
        Assert.Equal(1, Formatter.RegisteredFormatters().Count(f => f.Type == typeof(MetricsTable)));
    }

    [Fact]
    public void Chart_html_draws_with_plotly_and_loads_nothing()
    {
        var chart = Plotly.NET.CSharp.Chart.Point<double, double, string>(new double[] { 1, 2 }, new double[] { 3, 4 });
        string html = NotebookDisplay.ChartHtml(chart);
        Assert.Contains("Plotly.newPlot(", html);
        Assert.DoesNotContain("<script src", html);
        Assert.True(NotebookDisplay.ChartsSupported, NotebookDisplay.ChartsUnsupportedReason);
    }

    [Fact]
    public void Plotly_js_comes_from_the_Plotly_NET_package()
    {
        Assert.Equal("2.28.0", PlotlyJs.Version);
        Assert.StartsWith("/**\n* plotly.js v2.28.0", PlotlyJs.Source);
        Assert.True(PlotlyJs.Source.Length > 3_000_000, $"plotly.js is {PlotlyJs.Source.Length} characters");
    }
}
