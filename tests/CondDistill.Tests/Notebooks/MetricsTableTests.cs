using CondDistill.Evaluation;
using CondDistill.Notebooks;

namespace CondDistill.Tests.Notebooks;

public sealed class MetricsTableTests
{
    private static MetricsTable Sample() => new MetricsTable(["method", "FD", "steps"])
        .AddRow("teacher", 12.3456, 50)
        .AddRow("a|b", null, 1);

    [Fact]
    public void Markdown_aligns_numeric_columns_and_escapes_pipes()
    {
        Assert.Equal(
            "| method | FD | steps |\n|---|---:|---:|\n| teacher | 12.35 | 50 |\n| a\\|b | - | 1 |\n",
            Sample().ToMarkdown().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Html_escapes_text_and_right_aligns_numbers()
    {
        string expected =
            "<table class=\"metrics-table\">\n<thead><tr><th style=\"text-align:left\">method</th><th style=\"text-align:right\">FD</th><th style=\"text-align:right\">steps</th></tr></thead>\n<tbody>\n" +
            "<tr><td style=\"text-align:left\">teacher</td><td style=\"text-align:right\">12.35</td><td style=\"text-align:right\">50</td></tr>\n" +
            "<tr><td style=\"text-align:left\">a|b</td><td style=\"text-align:left\">-</td><td style=\"text-align:right\">1</td></tr>\n" +
            "</tbody>\n</table>";
        Assert.Equal(expected, Sample().ToHtml());
        Assert.Contains("&lt;x&gt;", new MetricsTable(["<x>"]).ToHtml());
    }

    [Fact]
    public void Row_with_wrong_cell_count_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new MetricsTable(["a", "b"]).AddRow(1.0));
        Assert.Contains("needs 2 cells (a, b), got 1", error.Message);
    }

    [Fact]
    public void Reports_give_one_column_per_measured_metric()
    {
        var protocol = new EvaluationProtocol("hash", "test", 10, 10, [0L], "ema", "ddim", 50);
        var table = MetricsTable.FromReports([
            new("teacher 50 steps", new MetricsReport(protocol, FdFmnist: 10.5, MillisecondsPerImage: 80)),
            new("codi 1 step", new MetricsReport(protocol, FdFmnist: 14.25, SsimMean: 0.5)),
        ]);
        Assert.Equal(["configuration", "FD-FMNIST", "SSIM", "ms/image"], table.Columns);
        Assert.Equal(["codi 1 step", 14.25, 0.5, null], table.Rows[1]);
    }

    [Fact]
    public void Protocols_say_how_each_report_was_measured()
    {
        var protocol = new EvaluationProtocol("b1b365d8ee6b91cac34d", "test", 100, 100, [3_000_000L, 3_000_099L], "ema", "grid-N50-4", 4, Task: "sr4", Method: "CoDi");
        var table = MetricsTable.ProtocolsOf([new("CoDi 4 steps", new MetricsReport(protocol, FdFmnist: 1))]);
        Assert.Equal(["configuration", "method", "task", "sampler", "steps", "weights", "samples", "seeds", "real images", "extractor"], table.Columns);
        Assert.Equal(new object?[] { "CoDi 4 steps", "CoDi", "sr4", "grid-N50-4", 4, "ema", 100, "3000000..3000099", "100 test", "b1b365d8ee6b" }, table.Rows[0].ToArray());
    }
}
