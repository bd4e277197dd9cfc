using System.Globalization;
using CondDistill.Checkpoints;
using CondDistill.Models;
using CondDistill.Training;

namespace CondDistill.Experiments;

/// <summary>
/// A post-hoc read-out of a pretraining run: the parameter-wise mean of its EMA snapshots over a window of steps
/// (<see cref="WeightAveraging.Mean"/>), saved as an ordinary UNet checkpoint that every command can load.
/// </summary>
public static class SnapshotAverage
{
    /// <summary>
    /// The run's snapshots with <paramref name="fromStep"/> &lt;= step &lt;= <paramref name="toStep"/>, checked to be the
    /// complete set at the run's snapshot interval (read from its config), so that a missing file cannot silently
    /// shorten the window.
    /// </summary>
    public static IReadOnlyList<(long Step, string Path)> Window(RunFolder run, long fromStep, long toStep)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (fromStep < 0 || toStep <= fromStep)
            throw new ArgumentException($"The window {fromStep}..{toStep} is empty or reversed; give --from below --to (steps, both included).");
        if (!File.Exists(run.ConfigPath))
            throw new ArgumentException($"Run folder '{run.Root}' has no {Path.GetFileName(run.ConfigPath)}, so its snapshot interval is unknown; point --run at a pretraining run folder.");
        long interval = PretrainConfig.FromJson(File.ReadAllText(run.ConfigPath), run.ConfigPath).SnapshotSteps;
        if (interval <= 0) throw new ArgumentException($"Run '{run.Root}' was trained with snapshot_steps {interval} (no snapshots), {run.ConfigPath}.");
        if (fromStep % interval != 0 || toStep % interval != 0)
            throw new ArgumentException($"--from {fromStep} and --to {toStep} must be multiples of the run's snapshot interval {interval} ({run.ConfigPath}).");

        var present = run.Snapshots().ToDictionary(s => s.Step, s => s.Path);
        var window = new List<(long, string)>();
        var missing = new List<long>();
        for (long step = fromStep == 0 ? interval : fromStep; step <= toStep; step += interval)
        {
            if (present.TryGetValue(step, out var path)) window.Add((step, path));
            else missing.Add(step);
        }
        if (missing.Count > 0)
            throw new ArgumentException($"Run '{run.Root}' lacks the snapshots at step{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} " +
                $"(expected {run.SnapshotPath(missing[0])}); choose a window the run has trained, or restore the files.");
        if (window.Count < 2) throw new ArgumentException($"The window {fromStep}..{toStep} holds {window.Count} snapshot; an average needs at least 2.");
        return window;
    }

    /// <summary>
    /// Loads the UNet snapshots at <paramref name="paths"/> (all of one configuration), averages them and returns
    /// a UNet holding the mean. The caller owns the returned model.
    /// </summary>
    public static UNet Average(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count < 2) throw new ArgumentException($"An average needs at least 2 snapshots, got {paths.Count}.", nameof(paths));
        string config = ModelCheckpoint.ReadDescription(paths[0]).ConfigJson;
        foreach (var path in paths.Skip(1))
            if (ModelCheckpoint.ReadDescription(path).ConfigJson != config)
                throw new CheckpointException(path, $"its UNet configuration differs from that of {paths[0]}; snapshots of one run share one architecture.");

        var models = paths.Select(ModelCheckpoint.LoadUNet).ToList();
        try
        {
            var mean = WeightAveraging.Mean(models.Select(m => (IReadOnlyDictionary<string, TorchSharp.torch.Tensor>)m.state_dict()).ToList(), paths);
            try
            {
                var result = models[0]; // holds the first snapshot's weights, overwritten with the mean; returned, not disposed
                using (TorchSharp.torch.no_grad())
                {
                    foreach (var (name, target) in result.state_dict()) target.copy_(mean[name]);
                }
                models.RemoveAt(0);
                return result;
            }
            finally
            {
                foreach (var tensor in mean.Values) tensor.Dispose();
            }
        }
        finally
        {
            foreach (var model in models) model.Dispose();
        }
    }

    /// <summary>
    /// Averages the run's snapshots from <paramref name="fromStep"/> to <paramref name="toStep"/> and writes the mean
    /// to <paramref name="outputPath"/> atomically, with step <paramref name="toStep"/> and metadata naming the window
    /// ("weights" = "ema-average-of-N", "averaged_steps", "source_run"). Returns the steps averaged.
    /// </summary>
    public static IReadOnlyList<long> Write(RunFolder run, long fromStep, long toStep, string outputPath)
    {
        var window = Window(run, fromStep, toStep);
        using var mean = Average(window.Select(w => w.Path).ToList());
        var steps = window.Select(w => w.Step).ToList();
        ModelCheckpoint.Save(outputPath, mean, toStep, new Dictionary<string, string>
        {
            ["weights"] = $"ema-average-of-{steps.Count}",
            ["averaged_steps"] = string.Join(",", steps.Select(s => s.ToString(CultureInfo.InvariantCulture))),
            ["source_run"] = run.Root,
            ["git_commit"] = Runtime.GitInfo.BuildCommit(),
        });
        return steps;
    }
}
