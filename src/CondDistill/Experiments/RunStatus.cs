using System.Globalization;
using System.Text.Json.Nodes;
using CondDistill.Checkpoints;
using CondDistill.Runtime;

namespace CondDistill.Experiments;

/// <summary>
/// Where a training run folder stands, read from its files alone (a running process is not disturbed):
/// the planned length, the last logged step, the resumable checkpoint's step and SHA-256, the recent
/// speed, the EMA snapshots and sample grids written so far, and whether the final weights exist.
/// </summary>
/// <param name="Root">The run folder.</param>
/// <param name="PlannedSteps">max_train_steps of the folder's config.json (null without one).</param>
/// <param name="LastLoggedStep">Step of the last metrics record (null with no records).</param>
/// <param name="ElapsedSeconds">Training wall time of the last record that has one, over all resumed segments (0 if none).</param>
/// <param name="CheckpointStep">Step of checkpoints/latest.safetensors (null without one).</param>
/// <param name="CheckpointWrittenUtc">When that checkpoint was last written.</param>
/// <param name="CheckpointSha256">Lower-case hexadecimal SHA-256 of that checkpoint.</param>
/// <param name="RecentStepsPerSecond">Steps per second of wall time over the last logged intervals (null with fewer than two records).</param>
/// <param name="RecentSteps">How many logged steps <paramref name="RecentStepsPerSecond"/> covers.</param>
/// <param name="SnapshotSteps">Steps of the EMA snapshots present.</param>
/// <param name="SampleGrids">File names of the sample grids present.</param>
/// <param name="Finished">Whether the final EMA weights exist.</param>
public sealed record RunStatus(
    string Root, long? PlannedSteps, long? LastLoggedStep, double ElapsedSeconds,
    long? CheckpointStep, DateTime? CheckpointWrittenUtc, string? CheckpointSha256,
    double? RecentStepsPerSecond, long RecentSteps,
    IReadOnlyList<long> SnapshotSteps, IReadOnlyList<string> SampleGrids, bool Finished)
{
    /// <summary>How many of the last logged records the recent speed is taken over.</summary>
    public const int RecentRecords = 10;

    /// <summary>
    /// Logged steps beyond the checkpoint: a process is still training, or one stopped between checkpoints
    /// and a resume will train those steps again (and drop their records). 0 when the log ends at the checkpoint.
    /// </summary>
    public long StepsLoggedPastCheckpoint => LastLoggedStep is long logged ? Math.Max(0, logged - (CheckpointStep ?? 0)) : 0;

    /// <summary>Steps still to train from the checkpoint to the planned end (null without a plan).</summary>
    public long? StepsLeft => PlannedSteps is long planned ? Math.Max(0, planned - (CheckpointStep ?? 0)) : null;

    /// <summary>Hours the remaining steps take at the recent speed (null without a plan or a speed).</summary>
    public double? HoursLeftAtRecentSpeed => StepsLeft is long left && RecentStepsPerSecond is double speed && speed > 0 ? left / speed / 3600 : null;

    /// <summary>Reads the status of <paramref name="run"/>; the folder must exist.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static RunStatus Read(RunFolder run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!Directory.Exists(run.Root))
            throw new DirectoryNotFoundException($"Run folder '{run.Root}' does not exist. Fix: pass the --out folder of a pretrain or train run.");

        long? planned = null;
        if (File.Exists(run.ConfigPath))
        {
            var config = JsonNode.Parse(File.ReadAllText(run.ConfigPath)) as JsonObject;
            planned = config?["max_train_steps"] is JsonValue steps && steps.TryGetValue(out long value) ? value
                : throw new InvalidDataException($"Run config '{run.ConfigPath}': no numeric 'max_train_steps'. Fix: restore the file the run wrote.");
        }

        var records = new MetricsLog(run.MetricsPath).Read();
        long? lastLogged = records.Count > 0 ? records[^1]["step"]!.GetValue<long>() : null;
        var (speed, recentSteps) = RecentSpeed(records);

        long? checkpointStep = null;
        DateTime? written = null;
        string? sha = null;
        if (File.Exists(run.LatestCheckpointPath))
        {
            var metadata = SafetensorsFile.ReadMetadata(run.LatestCheckpointPath);
            checkpointStep = metadata.TryGetValue("step", out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long step) ? step
                : throw new CheckpointException(run.LatestCheckpointPath, "metadata field 'step' is missing or not an integer; the file is not a training checkpoint of this tool.");
            written = File.GetLastWriteTimeUtc(run.LatestCheckpointPath);
            sha = FileSha256.Of(run.LatestCheckpointPath);
        }

        var grids = Directory.Exists(run.SamplesFolder)
            ? Directory.GetFiles(run.SamplesFolder, "*.png").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList()
            : [];
        return new RunStatus(run.Root, planned, lastLogged, new MetricsLog(run.MetricsPath).LastValue("elapsed_seconds"),
            checkpointStep, written, sha, speed, recentSteps, run.Snapshots().Select(s => s.Step).ToList(), grids, File.Exists(run.FinalEmaPath));
    }

    /// <summary>
    /// Steps per wall second over the last <see cref="RecentRecords"/> intervals between records: the steps between
    /// the first and last of them over the difference of their elapsed_seconds (pauses and evaluations included).
    /// </summary>
    private static (double? StepsPerSecond, long Steps) RecentSpeed(IReadOnlyList<JsonObject> records)
    {
        var timed = records.Where(r => r["elapsed_seconds"] is JsonValue v && v.TryGetValue(out double _)).ToList();
        if (timed.Count < 2) return (null, 0);
        var first = timed[Math.Max(0, timed.Count - 1 - RecentRecords)];
        var last = timed[^1];
        long steps = last["step"]!.GetValue<long>() - first["step"]!.GetValue<long>();
        double seconds = last["elapsed_seconds"]!.GetValue<double>() - first["elapsed_seconds"]!.GetValue<double>();
        return seconds > 0 && steps > 0 ? (steps / seconds, steps) : (null, 0);
    }
}
