using System.Text.Json.Nodes;
using CondDistill.Evaluation;
using CondDistill.Experiments;
using Plotly.NET;
using Plotly.NET.CSharp;

namespace CondDistill.Notebooks;

/// <summary>
/// The few chart shapes the notebooks draw (lines with markers, optional log axes) and the pure
/// functions that turn library results into their series. Display charts through
/// <see cref="NotebookDisplay.Chart"/> so hosts without Plotly.NET show a note instead.
/// </summary>
public static class NotebookCharts
{
    /// <summary>A line chart with markers, one line per series, axis titles and optional log axes.</summary>
    /// <exception cref="ArgumentException">No series, or a series whose x and y differ in length.</exception>
    public static GenericChart Lines(string title, string xTitle, string yTitle, IEnumerable<ChartSeries> series, bool logX = false, bool logY = false)
    {
        var list = series.ToList();
        if (list.Count == 0) throw new ArgumentException("A line chart needs at least one series.", nameof(series));
        foreach (var s in list)
            if (s.X.Count != s.Y.Count) throw new ArgumentException($"Series '{s.Name}' has {s.X.Count} x values and {s.Y.Count} y values.", nameof(series));
        var lines = list.Select(s => Plotly.NET.CSharp.Chart.Line<double, double, string>(s.X, s.Y, ShowMarkers: true, Name: s.Name));
        var chart = Plotly.NET.CSharp.Chart.Combine(lines);
        chart = Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
        return chart
            .WithXAxisStyle<double, double, string>(TitleText: xTitle, AxisType: logX ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle, AxisType: logY ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear)
            .WithSize(720, 380);
    }

    /// <summary>The values of <paramref name="key"/> against "step" in metrics records (a run's metrics.jsonl read by <see cref="MetricsLog.Read"/>); records without the key are skipped.</summary>
    public static ChartSeries MetricSeries(IEnumerable<JsonObject> records, string key, string? name = null)
    {
        var x = new List<double>();
        var y = new List<double>();
        foreach (var record in records)
        {
            if (record[key] is not JsonValue value || !value.TryGetValue(out double number)) continue;
            x.Add(record["step"]!.GetValue<double>());
            y.Add(number);
        }
        return new ChartSeries(name ?? key, x, y);
    }

    /// <summary>
    /// FD-FMNIST against network evaluations, one series per method, sampler family and weights
    /// (e.g. "CoDi grid ema", "Fine-tuned ControlNet ddim ema"), points ordered by steps.
    /// </summary>
    public static IReadOnlyList<ChartSeries> QualityAgainstSteps(IEnumerable<ResultRow> rows) =>
        rows.Where(r => r.Metrics.FdFmnist is not null)
            .GroupBy(r => $"{r.Label} {SamplerFamily(r.Sampler)} {r.Weights}")
            .Select(g => g.OrderBy(r => r.Steps).ToList())
            .Select(g => new ChartSeries(g[0].Label + " " + SamplerFamily(g[0].Sampler) + " " + g[0].Weights,
                g.Select(r => (double)r.Steps).ToList(), g.Select(r => r.Metrics.FdFmnist!.Value).ToList()))
            .ToList();

    /// <summary>FD-FMNIST against steps of evaluated reports (e.g. a teacher at 1..50 DDIM steps), in the given order.</summary>
    public static ChartSeries FdAgainstSteps(string name, IEnumerable<MetricsReport> reports)
    {
        var list = reports.Where(r => r.FdFmnist is not null).ToList();
        return new ChartSeries(name, list.Select(r => (double)r.Protocol.Steps).ToList(), list.Select(r => r.FdFmnist!.Value).ToList());
    }

    /// <summary>The family of a sampler name: "grid-N50-4" gives "grid", "ddim-50" gives "ddim", "dpm-solver++-4" gives "dpm-solver++".</summary>
    public static string SamplerFamily(string sampler)
    {
        int cut = sampler.LastIndexOf('-');
        string head = cut > 0 ? sampler[..cut] : sampler;
        int grid = head.IndexOf("-N", StringComparison.Ordinal);
        return grid > 0 ? head[..grid] : head;
    }
}
