using System.Globalization;
using System.Net;
using System.Text;
using CondDistill.Evaluation;

namespace CondDistill.Notebooks;

/// <summary>
/// A small table of results for notebooks and reports: named columns and rows of cells (strings,
/// numbers or null for "not measured"), rendered as Markdown or HTML. Numbers use
/// <see cref="NumberFormat"/> with the invariant culture and are right-aligned.
/// </summary>
public sealed class MetricsTable
{
    private readonly List<object?[]> _rows = [];

    /// <summary>Creates an empty table with the given column names.</summary>
    /// <exception cref="ArgumentException">No columns were given.</exception>
    public MetricsTable(IReadOnlyList<string> columns)
    {
        if (columns.Count == 0) throw new ArgumentException("A metrics table needs at least one column.", nameof(columns));
        Columns = columns.ToArray();
    }

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows, each with one cell per column.</summary>
    public IReadOnlyList<IReadOnlyList<object?>> Rows => _rows;

    /// <summary>.NET format string of numeric cells (default "G4": four significant digits).</summary>
    public string NumberFormat { get; init; } = "G4";

    /// <summary>Text of a cell that holds null (not measured).</summary>
    public string MissingText { get; init; } = "-";

    /// <summary>Appends a row; returns this table for chaining.</summary>
    /// <exception cref="ArgumentException">The row does not have one cell per column.</exception>
    public MetricsTable AddRow(params object?[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"A metrics table row needs {Columns.Count} cells ({string.Join(", ", Columns)}), got {cells.Length}.", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    /// <summary>The text of one cell: numbers formatted with <see cref="NumberFormat"/>, null as <see cref="MissingText"/>.</summary>
    public string FormatCell(object? cell) => cell switch
    {
        null => MissingText,
        double d => double.IsPositiveInfinity(d) ? "inf" : double.IsNegativeInfinity(d) ? "-inf" : d.ToString(NumberFormat, CultureInfo.InvariantCulture),
        float f => FormatCell((double)f),
        IFormattable number when IsNumber(number) => number.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    /// <summary>A GitHub-flavoured Markdown table (numeric columns right-aligned, '|' escaped).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", Columns.Select(EscapeMarkdown)).AppendLine(" |");
        text.Append('|').AppendJoin("|", Columns.Select((_, c) => IsNumericColumn(c) ? "---:" : "---")).AppendLine("|");
        foreach (var row in _rows)
            text.Append("| ").AppendJoin(" | ", row.Select(cell => EscapeMarkdown(FormatCell(cell)))).AppendLine(" |");
        return text.ToString();
    }

    /// <summary>An HTML table (header row, numeric cells right-aligned, text HTML-escaped).</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<table class=\"metrics-table\">\n<thead><tr>");
        for (int c = 0; c < Columns.Count; c++)
            html.Append(IsNumericColumn(c) ? "<th style=\"text-align:right\">" : "<th style=\"text-align:left\">").Append(WebUtility.HtmlEncode(Columns[c])).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in _rows)
        {
            html.Append("<tr>");
            for (int c = 0; c < row.Length; c++)
                html.Append(IsNumber(row[c]) ? "<td style=\"text-align:right\">" : "<td style=\"text-align:left\">").Append(WebUtility.HtmlEncode(FormatCell(row[c]))).Append("</td>");
            html.Append("</tr>\n");
        }
        return html.Append("</tbody>\n</table>").ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToMarkdown();

    /// <summary>
    /// One row per named <see cref="MetricsReport"/>, one column per metric measured in at least one
    /// of them (a report that lacks it shows <see cref="MissingText"/>).
    /// </summary>
    public static MetricsTable FromReports(IEnumerable<KeyValuePair<string, MetricsReport>> reports)
    {
        var list = reports.ToList();
        var columns = ReportColumns.Where(column => list.Any(r => column.Value(r.Value) is not null)).ToList();
        var table = new MetricsTable(["configuration", .. columns.Select(c => c.Name)]);
        foreach (var (name, report) in list)
            table.AddRow([name, .. columns.Select(c => (object?)c.Value(report))]);
        return table;
    }

    /// <summary>
    /// The protocol of each named report, one row each: method, task, sampler and steps, weights (EMA or
    /// online), sample count and seeds, real images and split, and the extractor hash's first 12 characters.
    /// Show it beside <see cref="FromReports"/> so every number carries how it was measured.
    /// </summary>
    public static MetricsTable ProtocolsOf(IEnumerable<KeyValuePair<string, MetricsReport>> reports)
    {
        var table = new MetricsTable(["configuration", "method", "task", "sampler", "steps", "weights", "samples", "seeds", "real images", "extractor"]);
        foreach (var (name, report) in reports)
        {
            var p = report.Protocol;
            string seeds = p.Seeds.Count == 0 ? "-" : p.Seeds.Count == 1 ? p.Seeds[0].ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{p.Seeds[0]}..{p.Seeds[^1]}");
            table.AddRow(name, p.Method, p.Task, p.Sampler, p.Steps, p.Weights, p.SampleCount, seeds, $"{p.RealCount} {p.RealSplit}",
                p.ExtractorHash.Length > 12 ? p.ExtractorHash[..12] : p.ExtractorHash);
        }
        return table;
    }

    private static readonly (string Name, Func<MetricsReport, double?> Value)[] ReportColumns =
    [
        ("FD-FMNIST", r => r.FdFmnist),
        ("FD floor", r => r.FdFmnistFloor),
        ("KID mean", r => r.KidFmnistMean),
        ("KID std", r => r.KidFmnistStd),
        ("PSNR dB", r => r.PsnrMeanDb),
        ("PSNR pooled dB", r => r.PsnrPooledDb),
        ("SSIM", r => r.SsimMean),
        ("LPIPS-style", r => r.LpipsStyleDistance),
        ("consistency dB", r => r.ConditionConsistencyPsnrDb),
        ("saturation", r => r.SaturationRate),
        ("saturation ratio", r => r.SaturationRatio),
        ("diversity L2", r => r.DiversityPairwiseL2),
        ("ms/image", r => r.MillisecondsPerImage),
    ];

    private bool IsNumericColumn(int column) => _rows.Count > 0 && _rows.All(r => r[column] is null || IsNumber(r[column]));

    private static bool IsNumber(object? cell) => cell is double or float or decimal or int or long or short or byte or uint or ulong;

    private static string EscapeMarkdown(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}
