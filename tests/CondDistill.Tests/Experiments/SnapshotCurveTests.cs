using CondDistill.Evaluation;
using CondDistill.Experiments;

namespace CondDistill.Tests.Experiments;

public sealed class SnapshotCurveTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("snapshot-curve-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static MetricsReport Report(double fd) =>
        new(new EvaluationProtocol("hash", "test", 10, 5, [0L, 4L], "ema", "ddim-50", 50), FdFmnist: fd, KidFmnistMean: 1, KidFmnistStd: 0.5, SaturationRatio: 0.5);

    [Fact]
    public void Each_snapshot_is_evaluated_once_and_again_only_when_its_file_changes()
    {
        var run = new RunFolder(root);
        run.Create();
        File.WriteAllText(run.SnapshotPath(2000), "weights at 2000");
        File.WriteAllText(run.SnapshotPath(4000), "weights at 4000");
        var calls = new List<string>();
        MetricsReport Evaluate(string path) { calls.Add(Path.GetFileName(path)); return Report(100.0 / calls.Count); }

        var first = SnapshotCurve.Evaluate(run, "ddim-50.5-samples", Evaluate);
        Assert.Equal([2000L, 4000L], first.Select(p => p.Step));
        Assert.Equal(2, calls.Count);

        File.WriteAllText(run.SnapshotPath(6000), "weights at 6000");
        var second = SnapshotCurve.Evaluate(run, "ddim-50.5-samples", Evaluate);
        Assert.Equal(["ema-step-00006000.safetensors"], calls.Skip(2));
        Assert.Equal(first.Select(p => p.Report.FdFmnist), second.Take(2).Select(p => p.Report.FdFmnist));

        File.WriteAllText(run.SnapshotPath(2000), "different weights at 2000");
        SnapshotCurve.Evaluate(run, "ddim-50.5-samples", Evaluate);
        Assert.Equal(["ema-step-00002000.safetensors"], calls.Skip(3));

        SnapshotCurve.Evaluate(run, "ddim-50.9-samples", Evaluate); // another protocol: all again
        Assert.Equal(7, calls.Count);
    }

    [Fact]
    public void Every_n_steps_evaluates_only_those_snapshots_and_names_the_interval_when_none_match()
    {
        var run = new RunFolder(root);
        run.Create();
        foreach (long step in new[] { 2000L, 4000L, 6000L, 8000L, 10000L })
            File.WriteAllText(run.SnapshotPath(step), $"weights at {step}");
        var calls = new List<string>();
        MetricsReport Evaluate(string path) { calls.Add(Path.GetFileName(path)); return Report(50); }

        var points = SnapshotCurve.Evaluate(run, "ddim-50.9-samples", Evaluate, every: 4000);

        Assert.Equal([4000L, 8000L], points.Select(p => p.Step));
        Assert.Equal(["ema-step-00004000.safetensors", "ema-step-00008000.safetensors"], calls);
        var error = Assert.Throws<ArgumentException>(() => SnapshotCurve.Evaluate(run, "ddim-50.9-samples", Evaluate, every: 7000));
        Assert.Contains("multiple of 7000", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SnapshotCurve.Choose([], -1));
    }

    [Fact]
    public void A_cached_evaluation_stays_on_the_curve_after_its_snapshot_file_is_gone_and_is_named_as_such()
    {
        var run = new RunFolder(root);
        run.Create();
        foreach (long step in new[] { 2000L, 4000L, 6000L })
            File.WriteAllText(run.SnapshotPath(step), $"weights at {step}");
        var calls = new List<string>();
        MetricsReport Evaluate(string path) { calls.Add(Path.GetFileName(path)); return Report(300.0 / calls.Count); }
        SnapshotCurve.Evaluate(run, "ddim-50.5-samples", Evaluate);
        SnapshotCurve.Evaluate(run, "ddim-50.7-samples", Evaluate); // another protocol's cache must not leak in

        // The run moves to a machine that has only its evaluations/ folder, then trains on.
        foreach (long step in new[] { 2000L, 4000L, 6000L }) File.Delete(run.SnapshotPath(step));
        File.WriteAllText(run.SnapshotPath(8000), "weights at 8000");
        var notes = new List<string>();
        var points = SnapshotCurve.Evaluate(run, "ddim-50.5-samples", Evaluate, notes.Add);

        Assert.Equal([2000L, 4000L, 6000L, 8000L], points.Select(p => p.Step));
        Assert.Equal([300.0, 150.0, 100.0, 300.0 / 7], points.Select(p => p.Report.FdFmnist!.Value));
        Assert.Equal(["ema-step-00008000.safetensors"], calls.Skip(6));
        Assert.Contains(notes, n => n.StartsWith("step 4000: FD-FMNIST 150.000 (cached; its snapshot is no longer in", StringComparison.Ordinal));
        Assert.Equal([2000L, 4000L, 6000L], SnapshotCurve.RetiredPoints(run, "ddim-50.5-samples").Select(p => p.Step));
        Assert.Equal([4000L], SnapshotCurve.RetiredPoints(run, "ddim-50.5-samples", every: 4000).Select(p => p.Step));
        Assert.Equal([4000L, 8000L], SnapshotCurve.Evaluate(run, "ddim-50.5-samples", Evaluate, every: 4000).Select(p => p.Step));

        Assert.Equal([2000L, 4000L, 6000L], SnapshotCurve.RetiredSteps(run, points));
        string md = SnapshotCurve.ToMarkdown("curve", "Protocol: test.", points, [6000L, 2000L, 4000L]);
        Assert.Contains("Steps 2000, 4000, 6000: evaluated when their snapshot was in the run folder; the file is gone", md);
        Assert.DoesNotContain("the file is gone", SnapshotCurve.ToMarkdown("curve", "Protocol: test.", points));
    }

    [Fact]
    public void With_no_snapshot_and_no_cached_evaluation_the_error_names_the_run_folder()
    {
        var run = new RunFolder(root);
        run.Create();
        var error = Assert.Throws<ArgumentException>(() => SnapshotCurve.Evaluate(run, "ddim-50.5-samples", _ => Report(1)));
        Assert.Contains(root, error.Message);
        Assert.Empty(SnapshotCurve.RetiredPoints(run, "ddim-50.5-samples"));
    }

    [Fact]
    public void Markdown_states_the_last_quarter_verdict()
    {
        var points = new[] { new SnapshotCurvePoint(8000, "a", Report(100)), new SnapshotCurvePoint(4000, "b", Report(200)) };
        string md = SnapshotCurve.ToMarkdown("curve", "Protocol: test.", points);
        Assert.Contains("| 4000 | 200.000 | 1.00 ± 0.50 | 0.500 |", md);
        Assert.True(md.IndexOf("| 4000 |", StringComparison.Ordinal) < md.IndexOf("| 8000 |", StringComparison.Ordinal));
        Assert.Contains("Last quarter: FD-FMNIST 200.000 at step 4000 -> 100.000 at step 8000, a gain of 50.0 %: still improving (at least 10 %).", md);
        Assert.Contains("not enough snapshots", SnapshotCurve.DescribeConvergence([points[0]]));
    }
}
