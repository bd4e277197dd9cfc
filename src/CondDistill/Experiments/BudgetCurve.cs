using System.Globalization;
using System.Text;

namespace CondDistill.Experiments;

/// <summary>
/// Reads a budget curve (<see cref="BudgetPoint"/>s of every run at several training steps): FD-FMNIST
/// per run and step, the ranking of the runs at each step, and whether that ranking has stopped changing.
/// </summary>
public static class BudgetCurve
{
    /// <summary>The runs ordered by FD-FMNIST (best first) at each measured step that every run reached.</summary>
    public static IReadOnlyList<(long Step, IReadOnlyList<string> RunsBestFirst)> Rankings(IReadOnlyList<BudgetPoint> points)
    {
        var runs = points.Select(p => p.RunKey).Distinct().ToList();
        return points.GroupBy(p => p.Step).OrderBy(g => g.Key)
            .Where(g => runs.All(r => g.Any(p => p.RunKey == r)))
            .Select(g => (g.Key, (IReadOnlyList<string>)g.OrderBy(p => p.FdFmnist).Select(p => p.RunKey).ToList()))
            .ToList();
    }

    /// <summary>
    /// The first step from which the ranking no longer changes (every later complete step ranks the
    /// runs the same way), or null when the last two complete steps disagree or fewer than two exist.
    /// </summary>
    public static long? StableFrom(IReadOnlyList<BudgetPoint> points)
    {
        var rankings = Rankings(points);
        if (rankings.Count < 2) return null;
        var final = rankings[^1].RunsBestFirst;
        long? from = null;
        for (int i = rankings.Count - 1; i >= 0 && rankings[i].RunsBestFirst.SequenceEqual(final); i--) from = rankings[i].Step;
        return from == rankings[^1].Step ? null : from;
    }

    /// <summary>A Markdown section: FD-FMNIST per run (rows) and step (columns), then the rankings.</summary>
    public static string ToMarkdown(IReadOnlyList<BudgetPoint> points)
    {
        var md = new StringBuilder();
        var steps = points.Select(p => p.Step).Distinct().Order().ToList();
        md.AppendLine("## Budget curve (FD-FMNIST of the EMA weights against training steps)");
        md.AppendLine();
        md.AppendLine("| Run | Sampler | " + string.Join(" | ", steps.Select(s => $"step {s}")) + " |");
        md.AppendLine("|---|---|" + string.Concat(steps.Select(_ => "---:|")));
        foreach (var run in points.GroupBy(p => p.RunKey))
        {
            var cells = steps.Select(s => run.FirstOrDefault(p => p.Step == s) is { } p ? p.FdFmnist.ToString("F2", CultureInfo.InvariantCulture) : "");
            md.AppendLine($"| {run.First().Label} | {run.First().Sampler} | {string.Join(" | ", cells)} |");
        }
        md.AppendLine();
        foreach (var (step, order) in Rankings(points))
            md.AppendLine(CultureInfo.InvariantCulture, $"- step {step}: {string.Join(" < ", order)}");
        long? stable = StableFrom(points);
        md.AppendLine();
        md.AppendLine(stable is long s
            ? $"The ranking is the same at every measured step from step {s} on."
            : "The ranking still changed between the last two measured steps: the budget is not long enough to call the order stable.");
        return md.ToString();
    }
}
