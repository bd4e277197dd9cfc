using System.Globalization;
using System.Text;
using System.Text.Json;
using CondDistill.Benchmarks;
using CondDistill.Evaluation;
using CondDistill.Runtime;

namespace CondDistill.Experiments;

/// <summary>
/// The output of <c>condistill reproduce</c>: every measured row with its protocol, the budget curve
/// and the paper's findings checked against the rows, as JSON (for notebooks) and Markdown (for people).
/// </summary>
/// <param name="Task">Condition task name, e.g. "sr4".</param>
/// <param name="TaskDescription">The task in words.</param>
/// <param name="Profile">Reproduction profile name.</param>
/// <param name="GitCommit">Commit of the code that produced it.</param>
/// <param name="CreatedUtc">When the table was written (ISO 8601).</param>
/// <param name="Teacher">Teacher checkpoint file and its SHA-256.</param>
/// <param name="Machine">Machine the numbers (and the timings) come from.</param>
/// <param name="Rows">Measured rows in table order.</param>
/// <param name="Budget">The budget curve: few-step quality of every run against training steps.</param>
/// <param name="Findings">The paper's findings F1-F5 checked against <paramref name="Rows"/>.</param>
/// <param name="ProfileDescription">What the profile is, in a sentence (<see cref="ReproductionProfile.Description"/>).</param>
public sealed record ResultsTable(
    string Task, string TaskDescription, string Profile, string GitCommit, string CreatedUtc, string Teacher, string Machine,
    IReadOnlyList<ResultRow> Rows, IReadOnlyList<BudgetPoint> Budget, IReadOnlyList<Finding> Findings, string? ProfileDescription = null)
{
    /// <summary>Writes the JSON atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, MetricsReport.JsonOptions));

    /// <summary>Reads a table written by <see cref="Save"/>.</summary>
    /// <exception cref="FormatException">The file is not a results table; the message names it.</exception>
    public static ResultsTable Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ResultsTable>(File.ReadAllText(path), MetricsReport.JsonOptions)
                ?? throw new FormatException($"Results table '{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"Results table '{path}' is not valid: {e.Message}. Fix: re-run `condistill reproduce` to rewrite it.", e);
        }
    }

    /// <summary>The row with <paramref name="key"/> (see <see cref="ReproductionRow.Key"/>), or null.</summary>
    public ResultRow? Row(string key) => Rows.FirstOrDefault(r => r.Key == key);

    /// <summary>The whole report as Markdown: header with protocol, the table, the budget curve and the findings.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var first = Rows.FirstOrDefault()?.Metrics.Protocol;
        md.AppendLine(CultureInfo.InvariantCulture, $"# {TaskDescription}: profile `{Profile}`");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Written {CreatedUtc} by commit `{GitCommit}` on {Machine}. Teacher: {Teacher}.");
        if (ProfileDescription is not null)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Profile `{Profile}`: {ProfileDescription}");
        }
        if (first is not null)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"Protocol: the first {first.RealCount} {first.RealSplit} images and their conditions (condition seed 0); one sample per image, " +
                $"seeds {first.Seeds[0]}..{first.Seeds[^1]} (sample i uses seed {first.Seeds[0]} + i, the same for every row); " +
                $"FD-FMNIST and KID-FMNIST (subsets of {first.KidSubsetSize}, {first.KidSubsetCount} draws; the ± is the spread over draws, 0 when a subset is the whole set) on the in-project classifier " +
                $"`{first.ExtractorHash[..12]}` against the ground-truth images; PSNR/SSIM/LPIPS-style against the ground truth; " +
                $"condition consistency = PSNR of avgpool4(sample) vs avgpool4(truth) for super-resolution (the task's own error); " +
                $"saturation = share of pixels with |x| >= {first.SaturationThreshold} divided by the ground truth's own share; " +
                $"weights as listed (EMA unless noted); ms/image = batched ({first.Device}) sampling wall time / samples{ContentionNote()}.");
        }
        md.AppendLine();
        md.AppendLine("| Method | Sampler | NFE | Weights | FD-FMNIST | KID-FMNIST | PSNR dB | SSIM | LPIPS-style | Cond. PSNR dB | Saturation / truth | ms/image | Trainable params | Train steps x batch | Train wall |");
        md.AppendLine("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in Rows)
        {
            var m = row.Metrics;
            md.AppendLine(Invariant(
                $"| {row.Label} | {row.Sampler} | {row.Steps} | {row.Weights} | {m.FdFmnist:F2} | {m.KidFmnistMean:G4} ± {m.KidFmnistStd:G2} | {m.PsnrMeanDb:F2} | {m.SsimMean:F3} | {m.LpipsStyleDistance:F3} | {m.ConditionConsistencyPsnrDb:F2} | {m.SaturationRatio:F2} | {m.MillisecondsPerImage:F1}{(IsContended(m) ? "*" : "")} | {row.TrainableParameters:N0} | {row.TrainSteps} x {row.TrainBatchSize} | {FormatWall(row.TrainWallSeconds)} |"));
        }
        if (Budget.Count > 0)
        {
            md.AppendLine();
            md.Append(BudgetCurve.ToMarkdown(Budget));
        }
        if (Findings.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## The paper's findings at this scale");
            md.AppendLine();
            foreach (var finding in Findings)
                md.AppendLine(CultureInfo.InvariantCulture, $"- **{finding.Id} {finding.Verdict}.** {finding.Claim} Rule: {finding.Rule} Numbers: {finding.Evidence}");
        }
        return md.ToString();
    }

    /// <summary>Whether other processes used more than <see cref="BenchmarkReport.ContendedShare"/> of the CPU while the row was sampled.</summary>
    private static bool IsContended(MetricsReport metrics) => metrics.OtherProcessesCpuShare > BenchmarkReport.ContendedShare;

    /// <summary>How busy the machine was while the rows were sampled, from each row's <see cref="MetricsReport.OtherProcessesCpuShare"/>.</summary>
    private string ContentionNote()
    {
        var shares = Rows.Select(r => r.Metrics.OtherProcessesCpuShare).OfType<double>().ToList();
        if (shares.Count == 0) return " (load of other processes not measured)";
        int contended = Rows.Count(r => IsContended(r.Metrics));
        return Invariant($"; other processes used at most {shares.Max():P0} of the CPU while a row was sampled") +
            (contended == 0 ? "" : Invariant($", and more than {BenchmarkReport.ContendedShare:P0} for the {contended} rows marked * (their ms/image is inflated)"));
    }

    private static string FormatWall(double seconds) =>
        seconds >= 3600 ? Invariant($"{seconds / 3600:F1} h") : seconds >= 60 ? Invariant($"{seconds / 60:F1} min") : Invariant($"{seconds:F0} s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
