using System.Net;
using CondDistill.Reporting;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using SixLabors.ImageSharp;
using TorchSharp;

namespace CondDistill.Notebooks;

/// <summary>
/// .NET Interactive display of the library's objects. <see cref="Register"/> (safe to call again)
/// makes image batches (tensors [B,1,H,W], [B,3,H,W] or [B,H,W] in [-1, 1]) and ImageSharp images
/// show as inline PNGs, <see cref="MetricsTable"/> as an HTML table, <see cref="HtmlFragment"/> as HTML and Plotly.NET charts as a
/// div + script that needs plotly.js on the page: display <see cref="PlotlyScript"/> once per
/// notebook first (the HTML report removes that copy and embeds the library once itself).
/// </summary>
public static class NotebookDisplay
{
    /// <summary>Largest number of tiles per row when a tensor batch is shown.</summary>
    public const int MaxColumns = 8;

    private static readonly object Gate = new();

    private static readonly ITypeFormatter[] Formatters =
    [
        new HtmlFormatter<torch.Tensor>((tensor, context) =>
        {
            if (!IsImageBatch(tensor)) return false; // anything else keeps the default tensor display
            context.Writer.Write(ImageHtml(TensorGridPng(tensor)));
            return true;
        }),
        new HtmlFormatter<Image>((image, context) =>
        {
            context.Writer.Write(ImageHtml(ImageGrid.ToPngBytes(image)));
            return true;
        }),
        new HtmlFormatter<MetricsTable>((table, context) =>
        {
            context.Writer.Write(table.ToHtml());
            return true;
        }),
        new HtmlFormatter<HtmlFragment>((fragment, context) =>
        {
            context.Writer.Write(fragment.Html);
            return true;
        }),
        new HtmlFormatter<GenericChart>((chart, context) =>
        {
            context.Writer.Write(ChartHtml(chart));
            return true;
        }),
    ];

    /// <summary>Registers the formatters. Calling it again (e.g. in every notebook of one process) changes nothing.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            var registered = Formatter.RegisteredFormatters().ToHashSet();
            foreach (var formatter in Formatters)
                if (!registered.Contains(formatter)) Formatter.Register(formatter);
            Formatter.SetPreferredMimeTypesFor(typeof(MetricsTable), HtmlFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(HtmlFragment), HtmlFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(GenericChart), HtmlFormatter.MimeType);
        }
    }

    /// <summary>
    /// plotly.js as one HTML script element (marked with <see cref="PlotlyJs.MarkerAttribute"/>):
    /// display it once in a notebook before any chart so charts draw offline.
    /// </summary>
    public static HtmlFragment PlotlyScript()
    {
        Register();
        return new HtmlFragment(PlotlyJs.ScriptTag());
    }

    /// <summary>
    /// A chart as an HTML fragment: a div and a script calling <c>Plotly.newPlot</c>, without any
    /// script element that loads plotly.js from the network.
    /// </summary>
    public static string ChartHtml(GenericChart chart) => HtmlReportWriter.RemoveExternalScripts(GenericChart.toChartHTML(chart));

    private static readonly Lazy<string?> ChartProblem = new(ProbeCharts);

    /// <summary>
    /// False when Plotly.NET cannot run in this host. dotnet-repl 0.3.259 loads its own FSharp.Core
    /// 10.0, Plotly.NET 6.0.0 needs 10.1, and the two copies make Plotly.NET fail with a
    /// MissingMethodException; VS Code, Jupyter and the CondDistill runner are fine.
    /// </summary>
    public static bool ChartsSupported => ChartProblem.Value is null;

    /// <summary>Why charts cannot be drawn here, or null when they can.</summary>
    public static string? ChartsUnsupportedReason => ChartProblem.Value;

    /// <summary>The chart <paramref name="build"/> makes, or a short note saying why charts cannot be drawn in this host (see <see cref="ChartsSupported"/>).</summary>
    public static object Chart(Func<GenericChart> build) =>
        ChartsSupported ? build() : new HtmlFragment($"<p><em>Chart not drawn: {WebUtility.HtmlEncode(ChartsUnsupportedReason)}</em></p>");

    private static string? ProbeCharts()
    {
        try
        {
            _ = Defaults.DefaultDisplayOptions;
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or MissingMethodException or TypeLoadException or FileLoadException)
        {
            string inner = (e.InnerException ?? e).Message;
            return $"Plotly.NET does not load in this host ({inner}); typically two FSharp.Core versions (dotnet-repl ships 10.0, Plotly.NET 6 needs 10.1). Run the notebook in VS Code, Jupyter or 'condistill notebook run'.";
        }
    }

    /// <summary>True for tensors shown as an image grid: [B,1,H,W], [B,3,H,W] or [B,H,W] with H, W of at least 4.</summary>
    public static bool IsImageBatch(torch.Tensor tensor) =>
        tensor.dim() switch
        {
            4 => tensor.shape[1] is 1 or 3 && tensor.shape[2] >= 4 && tensor.shape[3] >= 4 && tensor.shape[0] >= 1,
            3 => tensor.shape[1] >= 4 && tensor.shape[2] >= 4 && tensor.shape[0] >= 1,
            _ => false,
        };

    /// <summary>
    /// The image grid of a batch in [-1, 1] ([B,1,H,W], [B,3,H,W] or [B,H,W]), at most
    /// <see cref="MaxColumns"/> tiles per row, with <see cref="ImageGridOptions"/> defaults.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not an image batch (<see cref="IsImageBatch"/>).</exception>
    public static Image TensorGrid(torch.Tensor images, int columns = MaxColumns, ImageGridOptions? options = null)
    {
        if (!IsImageBatch(images))
            throw new ArgumentException($"Expected an image batch [B,1,H,W], [B,3,H,W] or [B,H,W] with H, W >= 4, got [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = torch.NewDisposeScope();
        var batch = images.dim() == 3 ? images.unsqueeze(1) : images;
        return ImageGrid.FromBatch(batch, (int)Math.Min(columns, batch.shape[0]), options);
    }

    /// <summary>PNG bytes of <see cref="TensorGrid"/>.</summary>
    public static byte[] TensorGridPng(torch.Tensor images, int columns = MaxColumns, ImageGridOptions? options = null)
    {
        using var image = TensorGrid(images, columns, options);
        return ImageGrid.ToPngBytes(image);
    }

    /// <summary>An HTML img element holding the PNG as a base64 data URI (works offline, in notebooks and reports).</summary>
    public static string ImageHtml(byte[] png, string? alt = null) =>
        $"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" alt=\"{WebUtility.HtmlEncode(alt ?? "image")}\" style=\"image-rendering:pixelated\"/>";
}
