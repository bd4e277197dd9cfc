using System.Collections;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CondDistill.Runtime;
using Markdig;
using Microsoft.DotNet.Interactive.Documents;

namespace CondDistill.Notebooks;

/// <summary>
/// Renders an executed notebook as ONE self-contained HTML file that works offline: a provenance
/// header, Markdown cells through Markdig, code as escaped text, text outputs, images as base64 PNG
/// data URIs and Plotly charts interactive, with plotly.js embedded once in the head (only when
/// the report has a chart). Copies of plotly.js inside outputs (<see cref="NotebookDisplay.PlotlyScript"/>)
/// and script elements loading anything from the network are removed.
/// </summary>
public static partial class HtmlReportWriter
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>Writes the report of a run (title = notebook file name; commit of the notebook's repository) atomically.</summary>
    public static void Write(NotebookRunResult run, string path)
    {
        var header = ReportHeader.ForThisMachine(Path.GetFileName(run.NotebookPath), run.Profile, Path.GetDirectoryName(run.NotebookPath));
        Write(run.Document, header, path, run.Failure);
    }

    /// <summary>Writes the report of a document atomically.</summary>
    public static void Write(InteractiveDocument document, ReportHeader header, string path, NotebookCellFailure? failure = null) =>
        AtomicFile.WriteAllText(path, Render(document, header, failure));

    /// <summary>The whole report as an HTML string.</summary>
    public static string Render(InteractiveDocument document, ReportHeader header, NotebookCellFailure? failure = null)
    {
        var body = new StringBuilder();
        for (int i = 0; i < document.Elements.Count; i++)
            RenderCell(body, document.Elements[i], i + 1);
        string content = body.ToString();
        bool hasChart = content.Contains("Plotly.newPlot", StringComparison.Ordinal);

        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
        html.Append("<title>").Append(Encode(header.Title)).AppendLine("</title>");
        html.AppendLine(Style);
        if (hasChart) html.AppendLine(PlotlyJs.ScriptTag());
        html.AppendLine("</head><body>");
        html.Append("<header><h1>").Append(Encode(header.Title)).AppendLine("</h1><table class=\"provenance\">");
        AppendHeaderRow(html, "commit", header.Commit);
        AppendHeaderRow(html, "date", header.Date.ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture));
        AppendHeaderRow(html, "profile", header.Profile);
        AppendHeaderRow(html, "machine", header.Machine);
        html.AppendLine("</table>");
        if (failure is not null)
            html.Append("<p class=\"failed\">Run FAILED: ").Append(Encode(failure.Describe())).AppendLine("</p>");
        html.AppendLine("</header><main>");
        html.Append(content);
        html.AppendLine("</main></body></html>");
        return html.ToString();
    }

    /// <summary>
    /// Every reference of <paramref name="html"/> that would load something from the network: src=,
    /// href= or url(...) pointing to http(s) or protocol-relative //, script elements with a src, and
    /// link elements. The embedded plotly.js (the element marked with <see cref="PlotlyJs.MarkerAttribute"/>)
    /// is skipped: its code mentions URLs (map tiles, CDN defaults) that a report never fetches.
    /// An empty list means the report renders offline.
    /// </summary>
    public static IReadOnlyList<string> FindExternalReferences(string html)
    {
        string withoutPlotly = PlotlyScriptElement().Replace(html, "");
        return ExternalReference().Matches(withoutPlotly).Select(m => m.Value)
            .Concat(ScriptWithSource().Matches(withoutPlotly).Select(m => m.Value))
            .Concat(LinkElement().Matches(withoutPlotly).Select(m => m.Value))
            .ToList();
    }

    [GeneratedRegex("""(?:\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//)""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("""<script\b[^>]*\bsrc\s*=""", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptWithSource();

    [GeneratedRegex("""<link\b""", RegexOptions.IgnoreCase)]
    private static partial Regex LinkElement();

    /// <summary>Removes script elements that load their code from elsewhere (<c>&lt;script src=...&gt;</c>) and copies of plotly.js marked with <see cref="PlotlyJs.MarkerAttribute"/>.</summary>
    public static string RemoveExternalScripts(string html) =>
        PlotlyScriptElement().Replace(ExternalScriptElement().Replace(html, ""), "");

    private static void RenderCell(StringBuilder html, InteractiveDocumentElement cell, int number)
    {
        string kernel = string.IsNullOrEmpty(cell.KernelName) ? "csharp" : cell.KernelName;
        if (kernel is "markdown" or "md")
        {
            html.Append("<section class=\"markdown\" id=\"cell-").Append(number).Append("\">")
                .Append(Markdig.Markdown.ToHtml(cell.Contents ?? "", Markdown)).AppendLine("</section>");
            return;
        }
        if (string.IsNullOrWhiteSpace(cell.Contents) && cell.Outputs.Count == 0) return;
        html.Append("<section class=\"code-cell\" id=\"cell-").Append(number).AppendLine("\">");
        html.Append("<div class=\"cell-label\">[").Append(number).Append("] ").Append(Encode(kernel)).AppendLine("</div>");
        html.Append("<pre class=\"code\"><code>").Append(Encode(cell.Contents ?? "")).AppendLine("</code></pre>");
        foreach (var output in cell.Outputs) RenderOutput(html, output);
        html.AppendLine("</section>");
    }

    private static void RenderOutput(StringBuilder html, InteractiveDocumentOutputElement output)
    {
        switch (output)
        {
            case TextElement text:
                html.Append("<pre class=\"").Append(text.Name == "stderr" ? "stderr" : "stdout").Append("\">").Append(Encode(text.Text)).AppendLine("</pre>");
                break;
            case ErrorElement error:
                html.Append("<pre class=\"error\">").Append(Encode($"{error.ErrorName}: {error.ErrorValue}"));
                foreach (var line in error.StackTrace ?? []) html.Append('\n').Append(Encode(line));
                html.AppendLine("</pre>");
                break;
            case DisplayElement display:
                RenderData(html, display.Data);
                break;
            case ReturnValueElement value:
                RenderData(html, value.Data);
                break;
        }
    }

    /// <summary>Picks the richest representation: HTML, PNG, SVG, Markdown, then plain text.</summary>
    private static void RenderData(StringBuilder html, IDictionary<string, object> data)
    {
        html.Append("<div class=\"output\">");
        if (TryGet(data, "text/html", out string? fragment)) html.Append(RemoveExternalScripts(fragment));
        else if (TryGet(data, "image/png", out string? png)) html.Append("<img src=\"data:image/png;base64,").Append(png.Trim()).Append("\" alt=\"image\"/>");
        else if (TryGet(data, "image/jpeg", out string? jpeg)) html.Append("<img src=\"data:image/jpeg;base64,").Append(jpeg.Trim()).Append("\" alt=\"image\"/>");
        else if (TryGet(data, "image/svg+xml", out string? svg)) html.Append(svg);
        else if (TryGet(data, "text/markdown", out string? markdown)) html.Append(Markdig.Markdown.ToHtml(markdown, Markdown));
        else if (TryGet(data, "text/plain", out string? plain)) html.Append("<pre class=\"stdout\">").Append(Encode(plain)).Append("</pre>");
        else if (data.Count > 0) html.Append("<pre class=\"stdout\">").Append(Encode(Flatten(data.First().Value))).Append("</pre>");
        html.AppendLine("</div>");
    }

    private static bool TryGet(IDictionary<string, object> data, string mime, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        value = data.TryGetValue(mime, out var raw) ? Flatten(raw) : null;
        return value is not null;
    }

    /// <summary>Output data as one string: strings as they are, Jupyter's lists of lines joined, JSON elements read.</summary>
    private static string Flatten(object? value) => value switch
    {
        null => "",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? "",
        JsonElement { ValueKind: JsonValueKind.Array } e => string.Concat(e.EnumerateArray().Select(x => Flatten(x))),
        JsonElement e => e.GetRawText(),
        IEnumerable items => string.Concat(items.Cast<object?>().Select(Flatten)),
        _ => value.ToString() ?? "",
    };

    private static void AppendHeaderRow(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(name).Append("</th><td>").Append(Encode(value)).AppendLine("</td></tr>");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        <style>
        body { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
        header h1 { margin-bottom: 0.3em; }
        table.provenance th { text-align: left; padding-right: 1em; color: #555; font-weight: normal; }
        table.provenance td { font-family: monospace; }
        .failed { color: #fff; background: #b00020; padding: 0.5em; font-weight: bold; }
        section { margin: 1.2em 0; }
        .cell-label { color: #888; font-size: 0.8em; font-family: monospace; }
        pre { padding: 0.6em; overflow-x: auto; white-space: pre-wrap; margin: 0.3em 0; }
        pre.code { background: #f4f4f8; border-left: 3px solid #5a6fd6; }
        pre.stdout { background: #fafafa; border-left: 3px solid #ccc; }
        pre.stderr { background: #fff8e6; border-left: 3px solid #e0a000; }
        pre.error { background: #fdecee; border-left: 3px solid #b00020; color: #b00020; }
        .output { margin: 0.3em 0; overflow-x: auto; }
        table.metrics-table { border-collapse: collapse; }
        table.metrics-table th, table.metrics-table td { border: 1px solid #ccc; padding: 0.2em 0.6em; }
        </style>
        """;

    [GeneratedRegex("""<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//[^>]*>\s*</script\s*>""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalScriptElement();

    [GeneratedRegex("""<script\b[^>]*\bdata-condistill-plotly\b[^>]*>.*?</script\s*>""", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex PlotlyScriptElement();
}
