using System.Diagnostics;
using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Experiments;
using CondDistill.Reporting;
using CondDistill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Training;

/// <summary>
/// The one training loop of every conditional method (CoDi and its ablations, fine-tuning, CM-II,
/// GD-II phases): AdamW on the method's trainable parameters with warm-up and clipping, the method's
/// after-step bookkeeping (EMA, target refresh), metrics with every loss term, resumable checkpoints
/// (student, EMA, optimiser, generator, step) and validation grids of the method's samplers with EMA
/// and online weights. Data order comes from (seed, step), the loss's randomness from a
/// checkpointed generator, so a killed and resumed run ends bit-identical to an uninterrupted one.
/// </summary>
public sealed class MethodTrainer
{
    /// <summary>Seeds of validation samples: 2000, 2001, ...</summary>
    public const long ValidationSeedBase = 2000;

    private readonly ITrainingMethod method;
    private readonly ConditionTask task;
    private readonly MethodTrainingSettings settings;
    private readonly RunFolder run;
    private readonly Device device;
    private readonly NoiseSchedule schedule;

    /// <summary>Prepares a run; nothing is read or written until <see cref="Run"/>.</summary>
    public MethodTrainer(ITrainingMethod method, ConditionTask task, NoiseSchedule schedule, MethodTrainingSettings settings, RunFolder run, Device device)
    {
        settings.Validate();
        this.method = method;
        this.task = task;
        this.schedule = schedule;
        this.settings = settings;
        this.run = run;
        this.device = device;
    }

    /// <summary>Called every logging step.</summary>
    public Action<TrainingProgress>? OnProgress { get; init; }

    /// <summary>Called with one-line notes (resume, checkpoint, grids).</summary>
    public Action<string>? OnNote { get; init; }

    /// <summary>Extra strings stored in every checkpoint (e.g. the experiment config).</summary>
    public IReadOnlyDictionary<string, string> CheckpointMetadata { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Steps after which <see cref="OnMilestone"/> runs (e.g. the budget curve's evaluations). It runs
    /// before that step's checkpoint is written, so a run killed during it repeats it on resume.
    /// </summary>
    public IReadOnlySet<long> MilestoneSteps { get; init; } = new HashSet<long>();

    /// <summary>
    /// Called at each of <see cref="MilestoneSteps"/> with the step, the student in eval mode and
    /// gradients off; it must not draw from the training generator (it cannot reach it), so the
    /// training trajectory does not depend on it.
    /// </summary>
    public Action<long>? OnMilestone { get; init; }

    /// <summary>Trains up to MaxTrainSteps (or <paramref name="stopAfterSteps"/> more); returns the step reached.</summary>
    /// <param name="data">The dataset (training split is used).</param>
    /// <param name="resume">Resume from the run folder's latest checkpoint when present.</param>
    /// <param name="stopAfterSteps">Stop (with a checkpoint) after this many steps in this call.</param>
    /// <param name="stopRequested">
    /// When cancelled (e.g. on SIGTERM or Ctrl-C), the run finishes the step in progress, logs it, writes a
    /// checkpoint at that step and returns, as <paramref name="stopAfterSteps"/> would have: no step is lost.
    /// </param>
    public long Run(FashionMnist data, bool resume, long? stopAfterSteps = null, CancellationToken stopRequested = default)
    {
        run.Create();
        var trainable = method.TrainableParameters.Select(p => p.Parameter).ToList();
        using var optimizer = optim.AdamW(trainable, lr: settings.LearningRate, weight_decay: settings.WeightDecay);
        using var generator = new Generator((ulong)settings.Seed + 0x5DEECE66DUL);
        var metrics = new MetricsLog(run.MetricsPath);
        var student = method.Student;
        var metadata = new Dictionary<string, string>(CheckpointMetadata) { ["method"] = method.Name, ["task"] = task.Name, ["git_commit"] = GitInfo.BuildCommit() };

        long step = 0;
        bool finishedBefore = false;
        if (resume && File.Exists(run.LatestCheckpointPath))
        {
            step = TrainingCheckpoint.Load(run.LatestCheckpointPath, student.Module, student.Description, method.Ema, optimizer, generator).Step;
            method.AfterStateLoaded();
            metrics.TruncateAfter(step);
            finishedBefore = step >= settings.MaxTrainSteps && File.Exists(run.FinalEmaPath) && File.Exists(run.FinalOnlinePath);
            OnNote?.Invoke(finishedBefore ? $"already finished at step {step}: {run.FinalEmaPath}" : $"resumed from {run.LatestCheckpointPath} at step {step}");
        }
        else if (File.Exists(run.MetricsPath))
        {
            File.Delete(run.MetricsPath);
        }

        using var train = data.Load(DatasetSplit.Train, 0, settings.TrainImages);
        var batches = new EpochBatches(settings.TrainImages, settings.TrainBatchSize, settings.Seed);
        var meter = new ThroughputMeter();
        long stopAt = Math.Min(settings.MaxTrainSteps, stopAfterSteps is null ? long.MaxValue : step + stopAfterSteps.Value);
        var sums = new Dictionary<string, double>();
        var order = new List<string>();
        int count = 0;
        double elapsedBefore = metrics.LastValue("elapsed_seconds"); // wall time of earlier segments of a resumed run
        var clock = Stopwatch.StartNew();
        meter.Mark(step);
        student.Module.train();

        while (step < stopAt)
        {
            double lr = LearningRateSchedule.WarmupConstant(step, settings.LearningRate, settings.LearningRateWarmupSteps);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            foreach (var (name, value) in TrainStep(optimizer, trainable, train.Images, batches.ForStep(step), generator, step + 1))
            {
                if (!order.Contains(name)) order.Add(name);
                sums[name] = sums.GetValueOrDefault(name) + value;
            }
            count++;
            method.AfterOptimizerStep();
            step++;
            meter.Mark(step);
            if (stopRequested.IsCancellationRequested && step < stopAt)
            {
                stopAt = step; // the log line and the checkpoint below are written as at a --stop-after step
                OnNote?.Invoke($"stop requested: stopping at step {step}");
            }

            if (step % settings.LoggingSteps == 0 || step == stopAt)
            {
                var means = order.Select(n => KeyValuePair.Create(n, sums[n] / count)).ToList();
                metrics.Append(step, [.. means, new("lr", lr), new("steps_per_second", meter.StepsPerSecond), new("elapsed_seconds", elapsedBefore + clock.Elapsed.TotalSeconds)]);
                OnProgress?.Invoke(new TrainingProgress(step, settings.MaxTrainSteps, means, meter.StepsPerSecond, meter.Eta(step, settings.MaxTrainSteps)));
                sums.Clear();
                count = 0;
            }
            if (settings.ValidationSteps > 0 && step % settings.ValidationSteps == 0)
                SaveValidationGrids(data, step);
            if (OnMilestone is not null && MilestoneSteps.Contains(step))
                RunMilestone(step);
            if (step % settings.CheckpointingSteps == 0 || step == stopAt)
            {
                TrainingCheckpoint.Save(run.LatestCheckpointPath, student.Module, student.Description, method.Ema, optimizer, step, generator, metadata);
                OnNote?.Invoke($"checkpoint at step {step}: {run.LatestCheckpointPath}");
            }
        }

        if (step >= settings.MaxTrainSteps && !finishedBefore)
        {
            ModelCheckpoint.Save(run.FinalOnlinePath, student, step, metadata.Append(KeyValuePair.Create("weights", "online")).ToDictionary());
            using (method.Ema.UseAveragedWeights())
                ModelCheckpoint.Save(run.FinalEmaPath, student, step, metadata.Append(KeyValuePair.Create("weights", "ema")).ToDictionary());
            if (settings.ValidationSteps == 0 || step % settings.ValidationSteps != 0) SaveValidationGrids(data, step);
            OnNote?.Invoke($"finished at step {step}: {run.FinalEmaPath}");
        }
        return step;
    }

    private void RunMilestone(long step)
    {
        using var noGrad = no_grad();
        method.Student.Module.eval();
        try { OnMilestone!(step); }
        finally { method.Student.Module.train(); }
    }

    private IReadOnlyList<KeyValuePair<string, double>> TrainStep(
        optim.Optimizer optimizer, IReadOnlyList<TorchSharp.Modules.Parameter> trainable, Tensor images, long[] indices, Generator generator, long stepNumber)
    {
        using var scope = NewDisposeScope();
        var x = images.index_select(0, tensor(indices));
        var c = task.Compute(x, indices, settings.ConditionSeed);
        optimizer.zero_grad();
        var terms = method.Loss(x.to(device), c.to(device), generator);
        terms.Total.backward();
        double gradientNorm = nn.utils.clip_grad_norm_(trainable, settings.MaxGradNorm);
        NonFiniteTrainingException.ThrowIfNotFinite(stepNumber, terms.Total.item<float>(), gradientNorm, run.LatestCheckpointPath);
        optimizer.step();
        return terms.Terms;
    }

    /// <summary>
    /// One PNG per weight set ("ema", "online"): rows = condition channels, ground truth, then one row
    /// per validation sampler, on the first test images at fixed seeds.
    /// </summary>
    private void SaveValidationGrids(FashionMnist data, long step)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var student = method.Student;
        student.Module.eval();
        using var batch = data.Load(DatasetSplit.Test, 0, settings.ValidationImages);
        var conditions = task.Compute(batch.Images, batch.Indices, settings.ConditionSeed);
        var seeds = Enumerable.Range(0, settings.ValidationImages).Select(i => ValidationSeedBase + i).ToList();
        var noise = SeededNoise.Normal([batch.Images.shape[1], batch.Images.shape[2], batch.Images.shape[3]], seeds, device);
        foreach (string weights in new[] { "ema", "online" })
        {
            using var averaged = weights == "ema" ? method.Ema.UseAveragedWeights() : null;
            var rows = ConditionPreview.Rows(task, batch.Images, conditions).Skip(1).Prepend(new GridRow("truth", batch.Images)).ToList();
            var model = method.SamplingModel(conditions.to(device));
            foreach (var sampler in method.ValidationSamplers)
                rows.Add(new GridRow(sampler.Name, sampler.Run(model, schedule, noise, seeds, clampOutput: true).Samples.cpu()));
            string path = run.SamplesPath(step, weights);
            ImageGrid.SaveRows(path, rows);
            OnNote?.Invoke($"validation grid at step {step}: {path}");
        }
        student.Module.train();
    }
}
