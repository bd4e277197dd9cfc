using System.Diagnostics;
using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Experiments;
using CondDistill.Models;
using CondDistill.Reporting;
using CondDistill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Training;

/// <summary>
/// Unconditional pretraining of the UNet teacher with the v-prediction diffusion loss: AdamW,
/// gradient clipping, EMA, resumable checkpoints, EMA snapshots for a quality curve and sample
/// grids at fixed seeds. Data order comes from (seed, step) and the noise from a generator whose
/// state is checkpointed, so a resumed run reproduces an uninterrupted one bit for bit.
/// </summary>
public sealed class Pretrainer
{
    /// <summary>Seeds of the validation grid samples: 1000, 1001, ...</summary>
    public const long ValidationSeedBase = 1000;

    private readonly PretrainConfig config;
    private readonly RunFolder run;
    private readonly Device device;

    /// <summary>Prepares a run; nothing is read or written until <see cref="Run"/>.</summary>
    public Pretrainer(PretrainConfig config, RunFolder run, Device device)
    {
        config.Validate();
        this.config = config;
        this.run = run;
        this.device = device;
    }

    /// <summary>Called every logging step with the progress line data.</summary>
    public Action<TrainingProgress>? OnProgress { get; init; }

    /// <summary>Called with one-line notes (resume, checkpoint, samples).</summary>
    public Action<string>? OnNote { get; init; }

    /// <summary>
    /// Trains up to <see cref="PretrainConfig.MaxTrainSteps"/>, resuming from the run folder's latest
    /// checkpoint when <paramref name="resume"/> is true and one exists. Writes the final EMA and
    /// online weights. Returns the step reached.
    /// </summary>
    /// <param name="data">The dataset (training split is used).</param>
    /// <param name="resume">Resume from checkpoints/latest.safetensors when present.</param>
    /// <param name="stopAfterSteps">Stop (with a checkpoint) after this many steps in this call; for tests and time-boxed sessions.</param>
    /// <param name="stopRequested">
    /// When cancelled (e.g. on SIGTERM or Ctrl-C), the run finishes the step in progress, logs it, writes a
    /// checkpoint at that step and returns, as <paramref name="stopAfterSteps"/> would have: no step is lost.
    /// </param>
    public long Run(FashionMnist data, bool resume, long? stopAfterSteps = null, CancellationToken stopRequested = default)
    {
        run.Create();
        var previousConfig = ReadPreviousConfig(resume);
        var schedule = NoiseSchedule.FromName(config.Schedule);
        using var model = new UNet(config.Model, new Generator((ulong)config.Seed));
        model.to(device);
        var parameters = model.named_parameters().ToList();
        using var optimizer = optim.AdamW(parameters.Select(p => p.parameter), lr: config.LearningRate, weight_decay: config.WeightDecay);
        using var ema = new Ema(parameters.Select(p => (p.name, p.parameter)), config.EmaDecay, config.EmaWarmUp);
        using var generator = new Generator((ulong)config.Seed + 0x9E3779B9UL);
        var metrics = new MetricsLog(run.MetricsPath);

        long step = 0;
        if (resume && File.Exists(run.LatestCheckpointPath))
        {
            var state = TrainingCheckpoint.Load(run.LatestCheckpointPath, model, model.Description, ema, optimizer, generator);
            step = state.Step;
            CheckScheduleUnchangedBefore(previousConfig, step);
            metrics.TruncateAfter(step);
            OnNote?.Invoke($"resumed from {run.LatestCheckpointPath} at step {step}");
        }
        else if (File.Exists(run.MetricsPath))
        {
            File.Delete(run.MetricsPath);
        }

        AtomicFile.WriteAllText(run.ConfigPath, config.ToJson());
        using var trainImages = data.Load(DatasetSplit.Train, 0, config.TrainImages);
        var batches = new EpochBatches(config.TrainImages, config.TrainBatchSize, config.Seed);
        var meter = new ThroughputMeter();
        long stopAt = Math.Min(config.MaxTrainSteps, stopAfterSteps is null ? long.MaxValue : step + stopAfterSteps.Value);
        double lossSum = 0;
        int lossCount = 0;
        double elapsedBefore = metrics.LastValue("elapsed_seconds"); // wall time of earlier segments of a resumed run
        var clock = Stopwatch.StartNew();
        meter.Mark(step);
        model.train();

        while (step < stopAt)
        {
            double lr = config.LearningRateAt(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            lossSum += TrainStep(model, optimizer, schedule, trainImages.Images, batches.ForStep(step), generator, step + 1);
            lossCount++;
            ema.Update();
            step++;
            meter.Mark(step);
            if (stopRequested.IsCancellationRequested && step < stopAt)
            {
                stopAt = step; // the log line and the checkpoint below are written as at a --stop-after step
                OnNote?.Invoke($"stop requested: stopping at step {step}");
            }

            if (step % config.LoggingSteps == 0 || step == stopAt)
            {
                double loss = lossSum / lossCount;
                metrics.Append(step, [new("loss", loss), new("lr", lr), new("steps_per_second", meter.StepsPerSecond),
                    new("elapsed_seconds", elapsedBefore + clock.Elapsed.TotalSeconds)]);
                OnProgress?.Invoke(new TrainingProgress(step, config.MaxTrainSteps, [new("loss", loss)], meter.StepsPerSecond,
                    meter.Eta(step, config.MaxTrainSteps)));
                lossSum = 0;
                lossCount = 0;
            }
            if (config.SnapshotSteps > 0 && step % config.SnapshotSteps == 0)
                SaveEmaWeights(model, ema, run.SnapshotPath(step), step);
            if (config.ValidationSteps > 0 && step % config.ValidationSteps == 0)
                SaveSampleGrid(model, ema, schedule, step);
            if (step % config.CheckpointingSteps == 0 || step == stopAt)
            {
                TrainingCheckpoint.Save(run.LatestCheckpointPath, model, model.Description, ema, optimizer, step, generator,
                    new Dictionary<string, string> { ["pretrain_config"] = config.ToJson(), ["git_commit"] = GitInfo.BuildCommit() });
                OnNote?.Invoke($"checkpoint at step {step}: {run.LatestCheckpointPath}");
            }
        }

        if (step >= config.MaxTrainSteps)
        {
            SaveEmaWeights(model, ema, run.FinalEmaPath, step);
            ModelCheckpoint.Save(run.FinalOnlinePath, model, step);
            if (config.ValidationSteps == 0 || step % config.ValidationSteps != 0) SaveSampleGrid(model, ema, schedule, step);
            OnNote?.Invoke($"finished at step {step}: EMA weights {run.FinalEmaPath}");
        }
        return step;
    }

    /// <summary>
    /// One optimiser step of the v-prediction loss on the given batch; returns the loss. A loss or
    /// gradient that is not finite stops the run before the step is applied (<see cref="NonFiniteTrainingException"/>).
    /// </summary>
    private double TrainStep(UNet model, AdamW optimizer, NoiseSchedule schedule, Tensor images, long[] indices, Generator generator, long stepNumber)
    {
        using var scope = NewDisposeScope();
        var x = images.index_select(0, tensor(indices)).to(device);
        var t = randint(0, schedule.NumTimesteps, [indices.Length], dtype: int64, generator: generator).to(device);
        var eps = randn(x.shape, generator: generator).to(device);
        optimizer.zero_grad();
        var loss = DenoisingLoss.VPrediction(model.AsVelocityModel(), schedule, x, t, eps);
        loss.backward();
        double gradientNorm = nn.utils.clip_grad_norm_(model.parameters(), config.MaxGradNorm);
        double value = loss.item<float>();
        NonFiniteTrainingException.ThrowIfNotFinite(stepNumber, value, gradientNorm, run.LatestCheckpointPath);
        optimizer.step();
        return value;
    }

    private void SaveEmaWeights(UNet model, Ema ema, string path, long step)
    {
        using var averaged = ema.UseAveragedWeights();
        ModelCheckpoint.Save(path, model, step, new Dictionary<string, string> { ["weights"] = "ema", ["git_commit"] = GitInfo.BuildCommit(), ["ema_decay"] = config.EmaDecay.ToString("R", System.Globalization.CultureInfo.InvariantCulture) });
    }

    private void SaveSampleGrid(UNet model, Ema ema, NoiseSchedule schedule, long step)
    {
        using var scope = NewDisposeScope();
        using var averaged = ema.UseAveragedWeights();
        model.eval();
        var seeds = Enumerable.Range(0, config.ValidationImages).Select(i => ValidationSeedBase + i).ToList();
        var noise = SeededNoise.Normal([config.Model.InChannels, FashionMnist.ImageSize, FashionMnist.ImageSize], seeds, device);
        var result = DiffusionSamplers.DdimTrailing(model.AsVelocityModel(), schedule, noise, config.ValidationSamplingSteps, clampOutput: true);
        string path = run.SamplesPath(step, $"ema-ddim{config.ValidationSamplingSteps}");
        ImageGrid.SaveBatch(path, result.Samples, columns: 8);
        model.train();
        OnNote?.Invoke($"samples at step {step}: {path}");
    }

    /// <summary>
    /// The config the run folder was started with (null for a new run). Only the run's length and its learning-rate
    /// schedule after the stable phase (decay, end rate, hold) may differ; <see cref="CheckScheduleUnchangedBefore"/>
    /// then checks the steps taken.
    /// </summary>
    private PretrainConfig? ReadPreviousConfig(bool resume)
    {
        if (!resume || !File.Exists(run.ConfigPath)) return null;
        var previous = PretrainConfig.FromJson(File.ReadAllText(run.ConfigPath), run.ConfigPath);
        var previousWithThisSchedule = previous with
        {
            MaxTrainSteps = config.MaxTrainSteps,
            LearningRateDecaySteps = config.LearningRateDecaySteps,
            LearningRateEnd = config.LearningRateEnd,
            LearningRateHoldSteps = config.LearningRateHoldSteps,
        };
        if (previousWithThisSchedule != config)
            throw new InvalidOperationException(
                $"Run folder '{run.Root}' was started with a different config ({run.ConfigPath}); only max_train_steps, learning_rate_decay_steps, " +
                "learning_rate_end and learning_rate_hold_steps may change on resume. Fix: use the same settings, or a new --out folder.");
        return previous;
    }

    /// <summary>A resumed run may change its length or schedule only where no step has been taken yet: every step already taken must keep its rate.</summary>
    private void CheckScheduleUnchangedBefore(PretrainConfig? previous, long step)
    {
        if (previous is null) return;
        // Steps past the new end are not part of the new run (a run shortened below its step only writes its outputs).
        long? firstChanged = LearningRateSchedule.FirstDifferingStep(previous.LearningRateAt, config.LearningRateAt, Math.Min(step, config.MaxTrainSteps));
        if (firstChanged is long changed)
            throw new InvalidOperationException(FormattableString.Invariant(
                $"Run folder '{run.Root}' is at step {step}, but the new schedule ({Describe(config)}) changes the learning rate from step {changed} on ") +
                $"(was {Describe(previous)}), which is already trained. Fix: let the decay start at or after the current step, or start a new --out folder.");
    }

    private static string Describe(PretrainConfig c) => FormattableString.Invariant(
        $"max_train_steps {c.MaxTrainSteps} / learning_rate_decay_steps {c.LearningRateDecaySteps} / learning_rate_end {c.LearningRateEnd} / learning_rate_hold_steps {c.LearningRateHoldSteps}");
}
