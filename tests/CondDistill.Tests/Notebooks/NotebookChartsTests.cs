using System.Text.Json.Nodes;
using CondDistill.Evaluation;
using CondDistill.Experiments;
using CondDistill.Notebooks;

namespace CondDistill.Tests.Notebooks;

public sealed class NotebookChartsTests
{
    private static ResultRow Row(string label, string sampler, int steps, double fd, string weights = "ema") =>
        new($"{label}.{sampler}.{weights}", label, label, sampler, steps, weights,
            new MetricsReport(new EvaluationProtocol("h", "test", 8, 8, [0L, 7L], weights, sampler, steps), FdFmnist: fd), 10, 2, 4, 1.0);

    [Fact]
    public void Metric_series_reads_step_and_value_and_skips_records_without_the_key()
    {
        var records = new[]
        {
            JsonNode.Parse("""{"step":10,"consistency":0.5,"guidance":0.25}""")!.AsObject(),
            JsonNode.Parse("""{"step":20,"guidance":0.125}""")!.AsObject(),
            JsonNode.Parse("""{"step":30,"consistency":0.375}""")!.AsObject(),
        };
        var series = NotebookCharts.MetricSeries(records, "consistency");
        Assert.Equal("consistency", series.Name);
        Assert.Equal([10.0, 30.0], series.X);
        Assert.Equal([0.5, 0.375], series.Y);
    }

    [Theory]
    [InlineData("grid-N50-4", "grid")]
    [InlineData("consistency-N20-2", "consistency")]
    [InlineData("ddim-50", "ddim")]
    [InlineData("dpm-solver++-4", "dpm-solver++")]
    public void Sampler_family_drops_grid_and_steps(string sampler, string family) => Assert.Equal(family, NotebookCharts.SamplerFamily(sampler));

    [Fact]
    public void Quality_series_group_by_method_family_and_weights_ordered_by_steps()
    {
        var series = NotebookCharts.QualityAgainstSteps([
            Row("CoDi", "grid-N50-4", 4, 30), Row("CoDi", "grid-N50-1", 1, 50), Row("CoDi", "grid-N50-4", 4, 35, "online"),
            Row("ControlNet", "ddim-50", 50, 20), Row("ControlNet", "ddim-4", 4, 60)]);
        Assert.Equal(["CoDi grid ema", "CoDi grid online", "ControlNet ddim ema"], series.Select(s => s.Name).ToList());
        Assert.Equal([1.0, 4.0], series[0].X);
        Assert.Equal([50.0, 30.0], series[0].Y);
        Assert.Equal([4.0, 50.0], series[2].X);
        Assert.Equal([60.0, 20.0], series[2].Y);
    }

    [Fact]
    public void Fd_against_steps_reads_the_protocol_steps()
    {
        var reports = new[] { 1, 4 }.Select(s => new MetricsReport(new EvaluationProtocol("h", "test", 8, 8, [0L], "ema", $"ddim-{s}", s), FdFmnist: 10.0 / s));
        var series = NotebookCharts.FdAgainstSteps("teacher", reports);
        Assert.Equal([1.0, 4.0], series.X);
        Assert.Equal([10.0, 2.5], series.Y);
    }

    [Fact]
    public void Line_chart_carries_names_and_refuses_ragged_series()
    {
        string html = NotebookDisplay.ChartHtml(NotebookCharts.Lines("quality", "steps", "FD-FMNIST", [new ChartSeries("CoDi grid ema", [1, 2], [3, 4])], logX: true));
        Assert.Contains("CoDi grid ema", html);
        Assert.Contains("\"log\"", html);
        Assert.Throws<ArgumentException>(() => NotebookCharts.Lines("t", "x", "y", [new ChartSeries("bad", [1, 2], [3])]));
        Assert.Throws<ArgumentException>(() => NotebookCharts.Lines("t", "x", "y", []));
    }
}
