using System.Globalization;
using System.Text;
using System.Text.Json;
using CondDistill.Evaluation;
using CondDistill.Runtime;

namespace CondDistill.Experiments;

/// <summary>
/// Quality against training steps of a pretraining run: every EMA snapshot evaluated once per
/// protocol, cached in the run's <c>evaluations/</c> folder beside the snapshot's SHA-256 (a snapshot
/// that changes is evaluated again), and the last-quarter <see cref="Convergence"/> check. A cached
/// evaluation whose snapshot file is no longer in the run folder (a run carried across machines keeps
/// its small <c>evaluations/</c> folder, not its snapshots) stays on the curve and is named as such.
/// </summary>
public static class SnapshotCurve
{
    /// <summary>Evaluates every snapshot of <paramref name="run"/> not yet evaluated under <paramref name="protocolKey"/>.</summary>
    /// <param name="run">The pretraining run.</param>
    /// <param name="protocolKey">Names the protocol in cache file names (sampler, samples, reference, extractor), e.g. "ddim-50.500-samples.test-10000.b1b365d8ee6b".</param>
    /// <param name="evaluate">Evaluates one snapshot file.</param>
    /// <param name="onNote">Progress lines.</param>
    /// <param name="every">Only the snapshots whose step is a multiple of this (0 = every snapshot); a coarser curve at more samples per point.</param>
    /// <returns>One point per chosen snapshot, and one per cached evaluation whose snapshot is gone (<see cref="RetiredPoints"/>), ordered by step.</returns>
    public static IReadOnlyList<SnapshotCurvePoint> Evaluate(RunFolder run, string protocolKey, Func<string, MetricsReport> evaluate, Action<string>? onNote = null, long every = 0)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(protocolKey);
        ArgumentNullException.ThrowIfNull(evaluate);
        var snapshots = Choose(run.Snapshots(), every);
        var retired = RetiredPoints(run, protocolKey, every);
        if (snapshots.Count == 0 && retired.Count == 0)
            throw new ArgumentException(every > 0
                ? $"Run folder '{run.Root}' has no EMA snapshot at a multiple of {every} steps in {run.SnapshotsFolder}; choose a smaller interval."
                : $"Run folder '{run.Root}' has no EMA snapshots in {run.SnapshotsFolder}.");
        Directory.CreateDirectory(CacheFolder(run));
        var points = new List<SnapshotCurvePoint>();
        foreach (var point in retired)
        {
            onNote?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"step {point.Step}: FD-FMNIST {point.Report.FdFmnist:F3} (cached; its snapshot is no longer in {run.SnapshotsFolder})"));
            points.Add(point);
        }
        foreach (var (step, path) in snapshots)
        {
            string sha = FileSha256.Of(path);
            string cachePath = CachePath(run, step, protocolKey);
            if (TryLoad(cachePath) is { } cached && cached.SnapshotSha256 == sha && cached.Step == step)
            {
                onNote?.Invoke(string.Create(CultureInfo.InvariantCulture, $"step {step}: FD-FMNIST {cached.Report.FdFmnist:F3} (cached: {cachePath})"));
                points.Add(cached);
                continue;
            }
            var point = new SnapshotCurvePoint(step, sha, evaluate(path));
            AtomicFile.WriteAllText(cachePath, JsonSerializer.Serialize(point, MetricsReport.JsonOptions));
            onNote?.Invoke(string.Create(CultureInfo.InvariantCulture, $"step {step}: FD-FMNIST {point.Report.FdFmnist:F3}"));
            points.Add(point);
        }
        return points.OrderBy(p => p.Step).ToList();
    }

    /// <summary>
    /// The cached evaluations under <paramref name="protocolKey"/> whose snapshot file is no longer in
    /// the run folder, in step order (at multiples of <paramref name="every"/> only, unless it is 0).
    /// </summary>
    /// <param name="run">The pretraining run.</param>
    /// <param name="protocolKey">The protocol, as in <see cref="Evaluate"/>.</param>
    /// <param name="every">Only steps that are multiples of this (0 = all).</param>
    public static IReadOnlyList<SnapshotCurvePoint> RetiredPoints(RunFolder run, string protocolKey, long every = 0)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(protocolKey);
        ArgumentOutOfRangeException.ThrowIfNegative(every);
        string cacheFolder = CacheFolder(run);
        if (!Directory.Exists(cacheFolder)) return [];
        string suffix = $".{protocolKey}.json";
        var points = new List<SnapshotCurvePoint>();
        foreach (string path in Directory.GetFiles(cacheFolder, "snapshot-*" + suffix))
        {
            string name = Path.GetFileName(path);
            if (!long.TryParse(name["snapshot-".Length..^suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out long step)) continue;
            if ((every > 0 && step % every != 0) || File.Exists(run.SnapshotPath(step))) continue;
            if (TryLoad(path) is { } cached && cached.Step == step) points.Add(cached);
        }
        return points.OrderBy(p => p.Step).ToList();
    }

    /// <summary>The steps of <paramref name="points"/> whose snapshot file is no longer in the run folder (for <see cref="ToMarkdown"/>).</summary>
    public static IReadOnlyList<long> RetiredSteps(RunFolder run, IEnumerable<SnapshotCurvePoint> points)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(points);
        return points.Select(p => p.Step).Where(step => !File.Exists(run.SnapshotPath(step))).Order().ToList();
    }

    private static string CacheFolder(RunFolder run) => Path.Combine(run.Root, "evaluations");

    private static string CachePath(RunFolder run, long step, string protocolKey) =>
        Path.Combine(CacheFolder(run), $"snapshot-{step:D8}.{protocolKey}.json");

    /// <summary>The snapshots whose step is a multiple of <paramref name="every"/> (all of them for 0), in step order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> is negative.</exception>
    public static IReadOnlyList<(long Step, string Path)> Choose(IEnumerable<(long Step, string Path)> snapshots, long every)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentOutOfRangeException.ThrowIfNegative(every);
        return snapshots.Where(s => every == 0 || s.Step % every == 0).OrderBy(s => s.Step).ToList();
    }

    /// <summary>The curve as a Markdown table with the protocol and the last-quarter convergence check.</summary>
    /// <param name="title">Heading text.</param>
    /// <param name="protocol">The protocol sentence.</param>
    /// <param name="points">The curve.</param>
    /// <param name="retiredSteps">Steps whose snapshot file is no longer in the run folder (see <see cref="RetiredPoints"/>); named under the table.</param>
    public static string ToMarkdown(string title, string protocol, IReadOnlyList<SnapshotCurvePoint> points, IReadOnlyCollection<long>? retiredSteps = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {title}");
        md.AppendLine();
        md.AppendLine(protocol);
        md.AppendLine();
        md.AppendLine("| step | FD-FMNIST | KID-FMNIST | saturation / real |");
        md.AppendLine("|---:|---:|---:|---:|");
        foreach (var p in points.OrderBy(p => p.Step))
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Step} | {p.Report.FdFmnist:F3} | {p.Report.KidFmnistMean:F2} ± {p.Report.KidFmnistStd:F2} | {p.Report.SaturationRatio:F3} |");
        md.AppendLine();
        if (retiredSteps is { Count: > 0 })
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"{(retiredSteps.Count == 1 ? "Step" : "Steps")} {string.Join(", ", retiredSteps.Order())}: evaluated when their snapshot was in the run folder; the file is gone (the cached report carries its SHA-256).");
            md.AppendLine();
        }
        md.AppendLine(DescribeConvergence(points));
        return md.ToString();
    }

    /// <summary>One sentence: the FD gain over the last quarter of the curve against <see cref="Convergence.Threshold"/>.</summary>
    public static string DescribeConvergence(IReadOnlyList<SnapshotCurvePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var convergence = Convergence.OfLastQuarter(points.Where(p => p.Report.FdFmnist is not null).Select(p => (p.Step, p.Report.FdFmnist!.Value)));
        if (convergence is not { } c) return "Last quarter: not enough snapshots to compare (needs one at or before 3/4 of the last step).";
        string verdict = c.StoppedImproving
            ? string.Create(CultureInfo.InvariantCulture, $"stopped improving (below {Convergence.Threshold:P0}).")
            : string.Create(CultureInfo.InvariantCulture, $"still improving (at least {Convergence.Threshold:P0}).");
        return string.Create(CultureInfo.InvariantCulture,
            $"Last quarter: FD-FMNIST {c.FromFd:F3} at step {c.FromStep} -> {c.ToFd:F3} at step {c.ToStep}, a gain of {c.Gain:P1}: {verdict}");
    }

    private static SnapshotCurvePoint? TryLoad(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<SnapshotCurvePoint>(File.ReadAllText(path), MetricsReport.JsonOptions);
        }
        catch (JsonException)
        {
            return null; // a damaged cache entry is recomputed and overwritten
        }
    }
}
