using System.Text.Json;
using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Evaluation;
using CondDistill.Models;
using CondDistill.Reporting;
using CondDistill.Runtime;
using CondDistill.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Experiments;

/// <summary>
/// <c>condistill reproduce</c>: trains every run of a <see cref="ReproductionProfile"/> from the same
/// teacher with the same budget, evaluates the table's rows on a fixed test subset, measures the budget
/// curve during training, and writes <c>table.md</c>, <c>table.json</c> and <c>samples.png</c>.
/// Every stage is resumable: run folders resume from their checkpoints, finished runs are not
/// retrained, and row evaluations are cached while the run they measure is unchanged.
/// </summary>
/// <remarks>
/// Folder layout: <c>reproduction.json</c> (task, profile, teacher), <c>runs/{run}/</c> (one
/// <see cref="RunFolder"/> per run, with the run's budget points in <c>budget.json</c>), <c>evaluations/{row}.json</c>, <c>table.json</c>,
/// <c>table.md</c>, <c>samples.png</c> (condition, ground truth and every row on the first 8 test images).
/// </remarks>
public sealed class ReproductionRunner
{
    /// <summary>Test images shown in <c>samples.png</c>.</summary>
    public const int OverviewImages = 8;

    private readonly ReproductionProfile profile;
    private readonly ConditionTask task;
    private readonly string root;
    private readonly string teacherPath;
    private readonly string extractorPath;
    private readonly FashionMnist data;
    private readonly Device device;
    private readonly NoiseSchedule schedule = NoiseSchedule.Cosine();

    /// <summary>Prepares a reproduction; nothing is read or written until <see cref="Run"/>.</summary>
    /// <param name="profile">Sizes, runs and rows.</param>
    /// <param name="taskName">Condition task, e.g. "sr4".</param>
    /// <param name="outputFolder">The reproduction folder (created; resumed when it holds the same task, profile and teacher).</param>
    /// <param name="teacherPath">The pretrained unconditional teacher every run starts from.</param>
    /// <param name="extractorPath">The FD-FMNIST feature extractor.</param>
    /// <param name="data">Fashion-MNIST.</param>
    /// <param name="device">Where training and sampling run.</param>
    public ReproductionRunner(ReproductionProfile profile, string taskName, string outputFolder, string teacherPath, string extractorPath, FashionMnist data, Device device)
    {
        this.profile = profile;
        task = ConditionTasks.Create(taskName);
        root = Path.GetFullPath(outputFolder);
        this.teacherPath = Path.GetFullPath(teacherPath);
        this.extractorPath = Path.GetFullPath(extractorPath);
        this.data = data;
        this.device = device;
    }

    /// <summary>One-line notes: stages, resumes, cached rows, files written.</summary>
    public Action<string>? OnNote { get; init; }

    /// <summary>Training progress of the run in progress (run key, progress).</summary>
    public Action<string, TrainingProgress>? OnProgress { get; init; }

    /// <summary>The reproduction folder.</summary>
    public string Root => root;

    /// <summary>The JSON table's path.</summary>
    public string TablePath => Path.Combine(root, "table.json");

    /// <summary>The Markdown table's path.</summary>
    public string MarkdownPath => Path.Combine(root, "table.md");

    /// <summary>The overview grid's path.</summary>
    public string SamplesPath => Path.Combine(root, "samples.png");

    /// <summary>The run folder of <paramref name="runKey"/>.</summary>
    public RunFolder RunFolderOf(string runKey) => new(Path.Combine(root, "runs", runKey));

    /// <summary>
    /// Trains (and measures the budget curve of) the runs named in <paramref name="onlyRuns"/>, or all of
    /// them, without evaluating rows or writing the table. Several processes may train disjoint runs of one
    /// folder at once (each run has its own folder and budget file); <see cref="Run"/> afterwards finds
    /// them finished and evaluates every row on a quiet machine.
    /// </summary>
    /// <param name="onlyRuns">Run keys (see <see cref="ReproductionRun.Key"/>); null = every run of the profile.</param>
    /// <exception cref="ArgumentException">A key is not a run of the profile; the message lists the allowed keys.</exception>
    /// <exception cref="InvalidOperationException">A two-stage run is selected before the fine-tuning run it distils has finished.</exception>
    public void Train(IReadOnlyCollection<string>? onlyRuns = null)
    {
        var selected = SelectRuns(onlyRuns);
        using var session = Open();
        foreach (var run in selected)
        {
            using var trained = TrainRun(run, session);
        }
        OnNote?.Invoke($"trained {string.Join(", ", selected.Select(r => r.Key))}; `reproduce` without --only-runs evaluates every row and writes the table");
    }

    /// <summary>Trains what is missing, evaluates what is not cached, and writes the table.</summary>
    public ResultsTable Run()
    {
        using var session = Open();
        var results = new List<ResultRow>();
        var overview = new List<GridRow>();
        using var overviewTruth = data.Load(DatasetSplit.Test, 0, Math.Min(OverviewImages, profile.EvalImages));
        using var truth = data.Load(DatasetSplit.Test, 0, profile.EvalImages);
        using var overviewConditions = task.Compute(overviewTruth.Images, overviewTruth.Indices, 0);
        overview.AddRange(ConditionPreview.ConditionRowsThenTruth(task, overviewTruth.Images, overviewConditions));

        foreach (var run in profile.Runs)
        {
            using var trained = TrainRun(run, session);
            var (method, config, folder, trainable) = (trained.Method, trained.Config, trained.Folder, trained.TrainableParameters);
            double wall = new MetricsLog(folder.MetricsPath).LastValue("elapsed_seconds");

            method.Student.Module.eval();
            using var noGrad = no_grad();
            foreach (var row in profile.Rows.Where(r => r.RunKey == run.Key))
            {
                var metrics = CachedOrEvaluate(method, run, row, config, truth, session.Extractor, folder);
                results.Add(new ResultRow(row.Key, run.Label, run.Key, row.Sampler.Name, row.Sampler.Steps, row.Weights, metrics,
                    trainable, config.MaxTrainSteps, config.TrainBatchSize, wall));
                overview.Add(new GridRow($"{run.Key} {row.Sampler.Name}{(row.Weights == "ema" ? "" : " " + row.Weights)}",
                    OverviewSamples(method, row, overviewConditions, overviewTruth)));
            }
        }
        var budget = profile.Runs.SelectMany(r => LoadBudget(r.Key)).ToList();

        var rowOrder = profile.Rows.Select(r => r.Key).ToList();
        var runOrder = profile.Runs.Select(r => r.Key).ToList();
        var table = new ResultsTable(task.Name, task.Description, profile.Name, GitInfo.BuildCommit(), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            $"{teacherPath} (sha256 {FileSha256.Of(teacherPath)[..16]})", $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {device}",
            results.OrderBy(r => rowOrder.IndexOf(r.Key)).ToList(), budget.OrderBy(p => runOrder.IndexOf(p.RunKey)).ThenBy(p => p.Step).ToList(), PaperFindings.Check(results),
            profile.Description);
        table.Save(TablePath);
        AtomicFile.WriteAllText(MarkdownPath, table.ToMarkdown());
        ImageGrid.SaveRows(SamplesPath, overview);
        foreach (var row in overview.Where(r => !ReferenceEquals(r.Images, overviewTruth.Images))) row.Images.Dispose(); // truth is disposed with overviewTruth
        OnNote?.Invoke($"wrote {MarkdownPath}, {TablePath} and {SamplesPath}");
        return table;
    }

    /// <summary>What every run of one invocation shares: the teacher, the extractor and the budget images.</summary>
    private sealed class Session(UNet teacher, FeatureExtractor extractor, LabeledImages budgetTruth) : IDisposable
    {
        public UNet Teacher { get; } = teacher;
        public FeatureExtractor Extractor { get; } = extractor;
        public LabeledImages BudgetTruth { get; } = budgetTruth;

        public void Dispose()
        {
            BudgetTruth.Dispose();
            Extractor.Dispose();
            Teacher.Dispose();
        }
    }

    /// <summary>A finished run's method with its weights, ready to evaluate.</summary>
    private sealed record TrainedRun(ITrainingMethod Method, ExperimentConfig Config, RunFolder Folder, long TrainableParameters) : IDisposable
    {
        public void Dispose() => Method.Dispose();
    }

    private Session Open()
    {
        if (!File.Exists(teacherPath))
            throw new FileNotFoundException($"Teacher checkpoint '{teacherPath}' not found. Fix: pass --teacher with a pretrained UNet (condistill pretrain writes ema.safetensors) or restore data/checkpoints/.", teacherPath);
        Directory.CreateDirectory(root);
        CheckOrWriteIdentity();
        var teacher = ModelCheckpoint.LoadUNet(teacherPath);
        teacher.to(device).eval();
        return new Session(teacher, FeatureExtractorFile.Load(extractorPath, device), data.Load(DatasetSplit.Test, 0, profile.BudgetImages));
    }

    private List<ReproductionRun> SelectRuns(IReadOnlyCollection<string>? onlyRuns)
    {
        if (onlyRuns is null) return profile.Runs.ToList();
        var keys = profile.Runs.Select(r => r.Key).ToList();
        var unknown = onlyRuns.Where(k => !keys.Contains(k)).ToList();
        if (unknown.Count > 0 || onlyRuns.Count == 0)
            throw new ArgumentException(
                $"--only-runs: {(unknown.Count > 0 ? $"'{string.Join("', '", unknown)}' is not a run of profile '{profile.Name}'" : "no run named")}; allowed keys: {string.Join(", ", keys)}.");
        return profile.Runs.Where(r => onlyRuns.Contains(r.Key)).ToList();
    }

    /// <summary>Trains one run to the profile's budget (resuming, or at once returning a finished run), measuring its budget rows at the milestones.</summary>
    private TrainedRun TrainRun(ReproductionRun run, Session session)
    {
        if (run.ConditionalTeacherRun is string dependency && !File.Exists(RunFolderOf(dependency).FinalEmaPath))
            throw new InvalidOperationException(
                $"Run '{run.Key}' distils the fine-tuned run '{dependency}', which has not finished ({RunFolderOf(dependency).FinalEmaPath} is missing). " +
                $"Fix: train '{dependency}' first (e.g. --only-runs {dependency}), then '{run.Key}'.");
        var config = ConfigOf(run);
        var folder = RunFolderOf(run.Key);
        config.EnsureResumableIn(folder);
        folder.Create();
        AtomicFile.WriteAllText(folder.ConfigPath, config.ToJson());
        var method = MethodCatalog.Create(config, session.Teacher, task.ConditionChannels, schedule);
        try
        {
            long trainable = method.TrainableParameters.Sum(p => p.Parameter.numel());
            var budgetRows = profile.BudgetRows.Where(r => r.RunKey == run.Key).ToList();
            var budget = LoadBudget(run.Key);
            OnNote?.Invoke($"run {run.Key}: {method.Name}, {config.MaxTrainSteps} steps of batch {config.TrainBatchSize}, {trainable:N0} trainable parameters");
            var trainer = new MethodTrainer(method, task, schedule, config.ToSettings(), folder, device)
            {
                OnProgress = p => OnProgress?.Invoke(run.Key, p),
                OnNote = note => OnNote?.Invoke($"  {note}"),
                CheckpointMetadata = new Dictionary<string, string> { ["experiment_config"] = config.ToJson(), ["teacher"] = teacherPath },
                MilestoneSteps = profile.BudgetSteps.ToHashSet(),
                OnMilestone = step =>
                {
                    foreach (var row in budgetRows)
                    {
                        var report = EvaluateRow(method, run, row, session.BudgetTruth, session.Extractor, folder, diversity: false);
                        budget.RemoveAll(p => p.Step == step && p.Sampler == row.Sampler.Name);
                        budget.Add(new BudgetPoint(run.Key, run.Label, row.Sampler.Name, step, report.FdFmnist!.Value, report.KidFmnistMean!.Value, report.PsnrMeanDb!.Value));
                        SaveBudget(run.Key, budget);
                        OnNote?.Invoke($"  budget {run.Key} {row.Sampler.Name} at step {step}: FD-FMNIST {report.FdFmnist:F2} on {session.BudgetTruth.Count} images");
                    }
                },
            };
            long reached = trainer.Run(data, resume: true);
            if (reached < config.MaxTrainSteps)
                throw new InvalidOperationException($"Run '{run.Key}' stopped at step {reached} of {config.MaxTrainSteps}.");
            return new TrainedRun(method, config, folder, trainable);
        }
        catch
        {
            method.Dispose();
            throw;
        }
    }

    /// <summary>The experiment config of <paramref name="run"/> under this profile.</summary>
    public ExperimentConfig ConfigOf(ReproductionRun run) => new()
    {
        Seed = 0, Task = task.Name, Method = run.Method, CodiPreset = run.CodiPreset, Teacher = teacherPath,
        ConditionalTeacher = run.ConditionalTeacherRun is string dependency ? RunFolderOf(dependency).FinalEmaPath : null,
        MaxTrainSteps = profile.TrainSteps, TrainBatchSize = profile.TrainBatchSize, LearningRate = profile.LearningRate,
        LearningRateWarmupSteps = profile.LearningRateWarmupSteps, EmaDecay = profile.EmaDecay, EmaWarmUp = profile.EmaWarmUp,
        TrainImages = profile.TrainImages, CheckpointingSteps = profile.CheckpointingSteps, ValidationSteps = profile.ValidationSteps,
        ValidationImages = OverviewImages, LoggingSteps = Math.Min(10, profile.TrainSteps), ResumeFromCheckpoint = "latest",
        OutputDir = RunFolderOf(run.Key).Root,
    };

    private MetricsReport CachedOrEvaluate(ITrainingMethod method, ReproductionRun run, ReproductionRow row, ExperimentConfig config,
        LabeledImages truth, FeatureExtractor extractor, RunFolder folder)
    {
        string path = Path.Combine(root, "evaluations", row.Key + ".json");
        string configJson = config.ToJson();
        if (File.Exists(path))
        {
            try
            {
                var cached = JsonSerializer.Deserialize<RowEvaluation>(File.ReadAllText(path), MetricsReport.JsonOptions);
                if (cached is not null && cached.RunConfig == configJson && cached.Step == config.MaxTrainSteps)
                {
                    OnNote?.Invoke($"  {row.Key}: cached ({path})");
                    return cached.Metrics;
                }
            }
            catch (JsonException e)
            {
                OnNote?.Invoke($"  {row.Key}: ignoring unreadable cache {path} ({e.Message})");
            }
        }
        OnNote?.Invoke($"  evaluate {row.Key} on {truth.Count} test images");
        var report = EvaluateRow(method, run, row, truth, extractor, folder, diversity: true);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new RowEvaluation(configJson, config.MaxTrainSteps, report), MetricsReport.JsonOptions));
        OnNote?.Invoke(FormattableString.Invariant(
            $"  {row.Key}: FD-FMNIST {report.FdFmnist:F2}, PSNR {report.PsnrMeanDb:F2} dB, SSIM {report.SsimMean:F3}, saturation x{report.SaturationRatio:F2}, {report.MillisecondsPerImage:F1} ms/image"));
        return report;
    }

    private MetricsReport EvaluateRow(ITrainingMethod method, ReproductionRun run, ReproductionRow row, LabeledImages truth,
        FeatureExtractor extractor, RunFolder folder, bool diversity)
    {
        using var weights = row.Weights == "ema" ? method.Ema.UseAveragedWeights() : null;
        var protocol = new EvaluationProtocol(ExtractorHash: "", RealSplit: "test", RealCount: 0, SampleCount: 0, Seeds: [], Weights: row.Weights,
            Sampler: row.Sampler.Name, Steps: row.Sampler.Steps, Method: run.Label, Checkpoint: folder.LatestCheckpointPath);
        var (report, samples) = ConditionalEvaluation.Evaluate(method.SamplingModel, task, schedule, row.Sampler, extractor, truth, 0, protocol, device,
            diversityConditions: diversity ? profile.DiversityConditions : 0, batchSize: profile.EvalBatchSize);
        samples.Dispose();
        return report;
    }

    /// <summary>The first images' samples of a row: the evaluation's seeds, so they are its first samples.</summary>
    private Tensor OverviewSamples(ITrainingMethod method, ReproductionRow row, Tensor conditions, LabeledImages images)
    {
        using var weights = row.Weights == "ema" ? method.Ema.UseAveragedWeights() : null;
        using var onDevice = conditions.to(device);
        return ConditionalEvaluation.SamplesAtEvaluationSeeds(method.SamplingModel, onDevice,
            [images.Images.shape[1], images.Images.shape[2], images.Images.shape[3]], schedule, row.Sampler, device);
    }

    private string IdentityPath => Path.Combine(root, "reproduction.json");

    private void CheckOrWriteIdentity()
    {
        string identity = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["task"] = task.Name, ["profile"] = profile.Name, ["teacher"] = teacherPath, ["extractor"] = extractorPath,
        }, MetricsReport.JsonOptions);
        if (File.Exists(IdentityPath) && File.ReadAllText(IdentityPath) != identity)
            throw new InvalidOperationException(
                $"'{root}' holds another reproduction ({IdentityPath}: {File.ReadAllText(IdentityPath).ReplaceLineEndings(" ")}); " +
                "Fix: choose another --out folder, or delete that folder to start over.");
        AtomicFile.WriteAllText(IdentityPath, identity);
    }

    /// <summary>The budget curve points of one run (in its run folder, so parallel trainers of other runs never write it).</summary>
    private string BudgetPathOf(string runKey) => Path.Combine(RunFolderOf(runKey).Root, "budget.json");

    private List<BudgetPoint> LoadBudget(string runKey) => File.Exists(BudgetPathOf(runKey))
        ? JsonSerializer.Deserialize<List<BudgetPoint>>(File.ReadAllText(BudgetPathOf(runKey)), MetricsReport.JsonOptions) ?? []
        : [];

    private void SaveBudget(string runKey, List<BudgetPoint> points) =>
        AtomicFile.WriteAllText(BudgetPathOf(runKey), JsonSerializer.Serialize(points, MetricsReport.JsonOptions));
}
