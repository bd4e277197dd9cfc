using CondDistill.Experiments;

namespace CondDistill.Notebooks;

/// <summary>
/// The CoDi paper's super-resolution numbers (method.md section 5, from the paper's Table 1 and its
/// ablation table) and a table that puts our measured rows beside them. The paper's metric is FID
/// (Inception features, real images at 256+ pixels); ours is FD-FMNIST on 28x28 Fashion-MNIST: the
/// orderings can be compared, the values cannot.
/// </summary>
public static class PaperTables
{
    /// <summary>Table 1, super-resolution (FID / LPIPS, lower is better).</summary>
    public static IReadOnlyList<PaperResult> SuperResolution { get; } =
    [
        new("Fine-tuned LDM", 250, 19.200, 0.2639, null),
        new("Fine-tuned LDM", 50, 19.231, 0.2603, "finetune-concat.ddim-50.ema"),
        new("Fine-tuned LDM", 20, 20.510, 0.2627, null),
        new("Fine-tuned LDM", 8, 24.493, 0.2789, null),
        new("Fine-tuned LDM", 4, 29.266, 0.3014, "finetune-concat.ddim-4.ema"),
        new("Fine-tuned LDM + DPM-Solver++", 4, 28.937, 0.3073, null),
        new("ControlNet", 4, 34.56, 0.3381, "finetune-controlnet.ddim-4.ema"),
        new("GD-II", null, 23.675, 0.2796, null),
        new("CM-II", null, 27.810, 0.3172, "cm-ii.consistency-N50-4.ema"),
        new("CM-II (frozen)", null, 28.088, 0.3192, null),
        new("PE-CoDi", 4, 25.214, 0.2941, "pe-codi.grid-N50-4.ema"),
        new("CoDi", 4, 19.637, 0.2656, "codi.grid-N50-4.ema"),
    ];

    /// <summary>The ablation table, super-resolution at 4 steps (FID / LPIPS).</summary>
    public static IReadOnlyList<PaperResult> Ablation { get; } =
    [
        new("LDM", 4, 29.266, 0.3014, "finetune-concat.ddim-4.ema"),
        new("+ ControlNet", 4, 28.951, 0.3049, "finetune-controlnet.ddim-4.ema"),
        new("PE-CoDi", 4, 25.214, 0.2941, "pe-codi.grid-N50-4.ema"),
        new("CoDi", 4, 19.637, 0.2656, "codi.grid-N50-4.ema"),
        new("CoDi, frozen teacher's ODE step", 4, 20.307, 0.2733, "codi-frozen-teacher.grid-N50-4.ema"),
        new("CoDi without the consistency term", 4, 25.728, 0.3252, "codi-without-consistency.grid-N50-4.ema"),
    ];

    /// <summary>The paper's rows alone, titled as what they are.</summary>
    public static MetricsTable PaperOnly(IReadOnlyList<PaperResult> rows)
    {
        var table = new MetricsTable(["paper row", "steps", "paper FID (real images)", "paper LPIPS"]);
        foreach (var row in rows) table.AddRow(row.Method, row.Steps, row.Fid, row.Lpips);
        return table;
    }

    /// <summary>
    /// The paper's rows with our matching rows beside them (FD-FMNIST and LPIPS-style of our table,
    /// "-" where we have no such row or <paramref name="ours"/> is null).
    /// </summary>
    public static MetricsTable BesideOurs(IReadOnlyList<PaperResult> rows, ResultsTable? ours)
    {
        var table = new MetricsTable(["paper row", "steps", "paper FID (real images)", "paper LPIPS", "our row", "our FD-FMNIST", "our LPIPS-style"]);
        foreach (var row in rows)
        {
            var mine = row.OurRowKey is string key ? ours?.Row(key) : null;
            table.AddRow(row.Method, row.Steps, row.Fid, row.Lpips,
                mine is null ? null : $"{mine.Label} {mine.Sampler} {mine.Weights}", mine?.Metrics.FdFmnist, mine?.Metrics.LpipsStyleDistance);
        }
        return table;
    }
}
