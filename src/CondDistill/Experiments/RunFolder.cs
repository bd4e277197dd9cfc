namespace CondDistill.Experiments;

/// <summary>
/// The layout of a run folder, in one place: the config, metrics as JSON lines, the resumable
/// checkpoint, EMA snapshots, sample grids and final weights.
/// </summary>
/// <param name="Root">The run's output directory.</param>
public sealed record RunFolder(string Root)
{
    /// <summary>The run's config as JSON.</summary>
    public string ConfigPath => Path.Combine(Root, "config.json");

    /// <summary>One JSON object per logged step.</summary>
    public string MetricsPath => Path.Combine(Root, "metrics.jsonl");

    /// <summary>The resumable training state (model, EMA, optimiser, random state, step).</summary>
    public string LatestCheckpointPath => Path.Combine(Root, "checkpoints", "latest.safetensors");

    /// <summary>Folder of EMA weight snapshots taken during training.</summary>
    public string SnapshotsFolder => Path.Combine(Root, "snapshots");

    /// <summary>Folder of sample grids.</summary>
    public string SamplesFolder => Path.Combine(Root, "samples");

    /// <summary>EMA weights at the end of the run.</summary>
    public string FinalEmaPath => Path.Combine(Root, "ema.safetensors");

    /// <summary>Online (non-averaged) weights at the end of the run.</summary>
    public string FinalOnlinePath => Path.Combine(Root, "online.safetensors");

    /// <summary>The snapshot file of a step.</summary>
    public string SnapshotPath(long step) => Path.Combine(SnapshotsFolder, $"ema-step-{step:D8}.safetensors");

    /// <summary>The sample grid file of a step and a label (e.g. "ddim50").</summary>
    public string SamplesPath(long step, string label) => Path.Combine(SamplesFolder, $"step-{step:D8}-{label}.png");

    /// <summary>Creates the folders.</summary>
    public void Create()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Path.GetDirectoryName(LatestCheckpointPath)!);
        Directory.CreateDirectory(SnapshotsFolder);
        Directory.CreateDirectory(SamplesFolder);
    }

    /// <summary>Snapshot files present, ordered by step.</summary>
    public IReadOnlyList<(long Step, string Path)> Snapshots() =>
        !Directory.Exists(SnapshotsFolder) ? []
            : Directory.GetFiles(SnapshotsFolder, "ema-step-*.safetensors")
                .Select(p => (Step: long.Parse(Path.GetFileNameWithoutExtension(p)["ema-step-".Length..], System.Globalization.CultureInfo.InvariantCulture), Path: p))
                .OrderBy(s => s.Step).ToList();
}
