using System.CommandLine;
using System.Globalization;
using CondDistill.Experiments;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill run-status</c>: where a training run folder stands, and its logged loss in windows of steps beside another run's.</summary>
internal static class RunStatusCommand
{
    public static Command Create()
    {
        var runOption = new Option<string>("--run") { Description = "Run folder of a pretrain or train run (its --out).", Required = true };
        var compare = new Option<string?>("--compare") { Description = "Another run folder, or a metrics .jsonl file, whose loss bins are printed beside this run's." };
        var binWidth = new Option<long>("--bin")
        {
            Description = "Width of the loss windows in steps (default 1000): window k holds the records with step in (bin k, bin (k+1)].",
            DefaultValueFactory = _ => 1000,
        };
        var key = new Option<string>("--key") { Description = "Metrics field to bin (default loss).", DefaultValueFactory = _ => "loss" };
        var command = new Command("run-status", "Read a run folder without disturbing a process training in it: planned and logged steps, the resumable checkpoint (step, time, SHA-256), recent speed and time left, snapshots and grids, and the mean logged loss per window of steps (optionally beside another run's).")
        {
            runOption, compare, binWidth, key,
        };
        command.SetAction(parse =>
        {
            var run = new RunFolder(Path.GetFullPath(parse.GetValue(runOption)!));
            long width = parse.GetValue(binWidth);
            if (width < 1) throw new ArgumentException($"--bin {width}: the window must be at least 1 step.");
            string field = parse.GetValue(key)!;
            var status = RunStatus.Read(run);
            Print(status);

            var bins = LossBins.OfLog(new MetricsLog(run.MetricsPath).Read(), width, field);
            string? comparePath = parse.GetValue(compare) is { } c ? ComparedMetrics(Path.GetFullPath(c)) : null;
            var compared = comparePath is null ? null : LossBins.OfLog(new MetricsLog(comparePath).Read(), width, field);
            PrintBins(bins, compared, width, field, comparePath);
            return 0;
        });
        return command;
    }

    private static string ComparedMetrics(string path)
    {
        if (Directory.Exists(path)) path = new RunFolder(path).MetricsPath;
        return File.Exists(path) ? path
            : throw new FileNotFoundException($"--compare '{path}': no such metrics file. Fix: pass a run folder holding metrics.jsonl, or a .jsonl file.");
    }

    private static void Print(RunStatus s)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"run-status: {s.Root}");
        Console.WriteLine($"  planned steps   {(s.PlannedSteps is long p ? p.ToString("N0", inv) : "unknown (no config.json)")}");
        Console.WriteLine($"  logged to step  {(s.LastLoggedStep is long l ? l.ToString("N0", inv) + string.Create(inv, $" ({s.ElapsedSeconds:N0} s of training wall time over all segments)") : "nothing logged")}");
        Console.WriteLine(s.CheckpointStep is long c
            ? string.Create(inv, $"  checkpoint      step {c:N0}, written {s.CheckpointWrittenUtc:yyyy-MM-dd HH:mm:ss} UTC, SHA-256 {s.CheckpointSha256}")
            : "  checkpoint      none (a resume starts from step 0)");
        if (s.StepsLoggedPastCheckpoint > 0)
            Console.WriteLine(string.Create(inv, $"  note            the log runs {s.StepsLoggedPastCheckpoint:N0} steps past the checkpoint: a process is still training, or one stopped between checkpoints and a resume trains those steps again"));
        if (s.RecentStepsPerSecond is double speed)
            Console.WriteLine(string.Create(inv, $"  speed           {speed:F3} steps/s over the last {s.RecentSteps:N0} logged steps (wall time, pauses included)") +
                (s.StepsLeft is long left && s.HoursLeftAtRecentSpeed is double hours ? string.Create(inv, $"; {left:N0} steps left: {hours:F1} h at that speed") : ""));
        Console.WriteLine($"  EMA snapshots   {(s.SnapshotSteps.Count == 0 ? "none" : string.Join(", ", s.SnapshotSteps))}");
        Console.WriteLine($"  sample grids    {(s.SampleGrids.Count == 0 ? "none" : string.Join(", ", s.SampleGrids))}");
        Console.WriteLine($"  final weights   {(s.Finished ? "written (ema.safetensors)" : "not yet")}");
    }

    private static void PrintBins(IReadOnlyList<LossBin> bins, IReadOnlyList<LossBin>? compared, long width, string field, string? comparePath)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"mean logged {field} per {width:N0} steps (records with step in ({width} k, {width} (k+1)])") +
            (comparePath is null ? "" : $"; compared with {comparePath}"));
        if (bins.Count == 0 && (compared is null || compared.Count == 0)) { Console.WriteLine("  no records"); return; }
        Console.WriteLine(compared is null ? "  steps                this run  records" : "  steps                this run  records   compared  records  difference");
        var mine = bins.ToDictionary(b => b.FirstStep);
        var theirs = compared?.ToDictionary(b => b.FirstStep) ?? [];
        // The compared run's windows past this run's last one are left out: the table shows where this run stands.
        long reached = bins.Count > 0 ? bins[^1].LastStep : long.MaxValue;
        foreach (long first in mine.Keys.Union(theirs.Keys.Where(f => f <= reached)).Order())
        {
            var a = mine.GetValueOrDefault(first);
            var b = theirs.GetValueOrDefault(first);
            string range = string.Create(inv, $"{first:N0}-{(a ?? b)!.LastStep:N0}");
            string line = string.Create(inv, $"  {range,-19} {Value(a),9} {Count(a),8}");
            if (compared is not null)
                line += string.Create(inv, $" {Value(b),10} {Count(b),8} {(a is not null && b is not null ? (a.MeanLoss - b.MeanLoss).ToString("+0.00000;-0.00000;0.00000", inv) : ""),11}");
            Console.WriteLine(line.TrimEnd());
        }

        static string Value(LossBin? bin) => bin is null ? "" : bin.MeanLoss.ToString("F5", CultureInfo.InvariantCulture);
        static string Count(LossBin? bin) => bin is null ? "" : bin.Records.ToString(CultureInfo.InvariantCulture);
    }
}
