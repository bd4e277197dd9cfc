using System.Globalization;
using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Experiments;
using CondDistill.Training;
using TorchSharp;

namespace CondDistill.Notebooks;

/// <summary>
/// The models the notebooks use: <see cref="Teacher"/> loads the shipped teacher; <see cref="Distilled"/> loads a shipped distilled checkpoint or, when none exists for the
/// task and preset, trains CoDi briefly into a run folder under <see cref="RunsFolder"/>. Both results
/// carry a one-line description of which weights are used, which every notebook prints.
/// </summary>
public static class NotebookModels
{
    /// <summary>The teacher's file name, checked to exist.</summary>
    /// <param name="exists">Whether a shipped file exists (by file name, e.g. <see cref="ShippedCheckpoints.Exists"/>).</param>
    /// <exception cref="FileNotFoundException">The teacher is not there; the message says how to get one.</exception>
    public static string RequireTeacherFile(Func<string, bool> exists) =>
        exists(ShippedCheckpoints.TeacherFile) ? ShippedCheckpoints.TeacherFile
        : throw new FileNotFoundException(
            $"The teacher '{ShippedCheckpoints.TeacherFile}' is not in data/checkpoints/. Fix: run the notebook inside the repository, " +
            $"set {ShippedCheckpoints.FolderVariable} to a folder holding it, or pretrain one with 'condistill pretrain' and copy its ema.safetensors there.");

    /// <summary>Loads the shipped teacher in eval mode.</summary>
    /// <param name="device">Where it runs (CPU when null).</param>
    public static NotebookTeacher Teacher(torch.Device? device = null)
    {
        string path = ShippedCheckpoints.PathOf(RequireTeacherFile(ShippedCheckpoints.Exists));
        var model = ModelCheckpoint.LoadUNet(path);
        if (device is not null) model.to(device);
        model.eval();
        long? step = SafetensorsFile.ReadMetadata(path).TryGetValue("step", out var text)
            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) ? s : null;
        return new NotebookTeacher(model, path, step);
    }

    /// <summary>The shipped distilled checkpoint of a task and CoDi preset, or null when none is planned (only sr4 with paper-defaults or pe-codi).</summary>
    public static string? ShippedDistilledFile(string task, string preset) => (task.Trim().ToLowerInvariant(), preset.Trim().ToLowerInvariant()) switch
    {
        ("sr4", "paper-defaults") => ShippedCheckpoints.CoDiSr4File,
        ("sr4", "pe-codi") => ShippedCheckpoints.PeCoDiSr4File,
        _ => null,
    };

    /// <summary>The table name of a CoDi preset: "CoDi", "PE-CoDi" or "CoDi (preset)".</summary>
    public static string MethodLabel(string preset) => preset.Trim().ToLowerInvariant() switch
    {
        "paper-defaults" => "CoDi",
        "pe-codi" => "PE-CoDi",
        var other => $"CoDi ({other})",
    };

    /// <summary>
    /// Where notebooks keep their training runs: <c>artifacts/notebooks/runs</c> in the repository
    /// (next to <c>data/</c>), or a folder in the temporary directory outside a repository.
    /// </summary>
    public static string RunsFolder()
    {
        try
        {
            string checkpoints = ShippedCheckpoints.Folder();
            var data = Directory.GetParent(checkpoints);
            if (data is { Name: "data", Parent: { } repository })
                return Path.Combine(repository.FullName, "artifacts", "notebooks", "runs");
        }
        catch (DirectoryNotFoundException)
        {
            // no repository around: fall through to the temporary folder
        }
        return Path.Combine(Path.GetTempPath(), "condistill-notebooks", "runs");
    }

    /// <summary>
    /// The config of a short CoDi run trained inside a notebook: AdamW 2e-4 with warm-up of a tenth of
    /// the steps (at most 100), EMA 0.999 with warm-up (so a short run's EMA follows its adapter),
    /// checkpoint and validation grid only at the end, a metrics record about every twentieth step.
    /// </summary>
    /// <param name="task">Condition task name.</param>
    /// <param name="preset">CoDi preset (see <see cref="Training.CoDi.CoDiOptions.Presets"/>).</param>
    /// <param name="trainSteps">Optimiser steps.</param>
    /// <param name="batchSize">Pairs per step.</param>
    /// <param name="trainImages">Training images used (from index 0).</param>
    /// <param name="teacherPath">The teacher's file (recorded in the config).</param>
    /// <param name="outputDir">The run folder.</param>
    public static ExperimentConfig ShortRunConfig(string task, string preset, long trainSteps, int batchSize, int trainImages, string teacherPath, string outputDir)
    {
        var config = new ExperimentConfig
        {
            Seed = 0, Task = task, Method = MethodCatalog.CoDi, CodiPreset = preset, Teacher = teacherPath,
            MaxTrainSteps = trainSteps, TrainBatchSize = batchSize, LearningRate = 2e-4,
            LearningRateWarmupSteps = Math.Min(100, trainSteps / 10), EmaDecay = 0.999, EmaWarmUp = true,
            TrainImages = trainImages, CheckpointingSteps = trainSteps, ValidationSteps = 0,
            LoggingSteps = Math.Clamp(trainSteps / 20, 1, 10), ResumeFromCheckpoint = "latest", OutputDir = outputDir,
        };
        config.Validate();
        return config;
    }

    /// <summary>
    /// A distilled model for <paramref name="task"/>: the shipped checkpoint when it exists (sr4 only),
    /// otherwise CoDi with <paramref name="preset"/> trained here for <paramref name="trainSteps"/> steps
    /// (a finished run folder with the same settings and teacher is reused instead of retrained).
    /// </summary>
    /// <param name="teacher">The teacher the student starts from.</param>
    /// <param name="task">Condition task name, e.g. "sr4".</param>
    /// <param name="preset">CoDi preset, e.g. "paper-defaults" or "pe-codi".</param>
    /// <param name="trainSteps">Steps of the fallback run.</param>
    /// <param name="batchSize">Batch of the fallback run.</param>
    /// <param name="trainImages">Training images of the fallback run.</param>
    /// <param name="onProgress">Training progress (e.g. <c>new NotebookProgress("CoDi").Report</c>).</param>
    /// <param name="device">Where training and sampling run (CPU when null).</param>
    public static NotebookDistilledModel Distilled(NotebookTeacher teacher, string task, string preset, long trainSteps, int batchSize,
        int trainImages = 60_000, Action<TrainingProgress>? onProgress = null, torch.Device? device = null)
    {
        string label = MethodLabel(preset);
        if (ShippedDistilledFile(task, preset) is string file && ShippedCheckpoints.Exists(file))
        {
            var shipped = TrainedConditionalModel.Load(ShippedCheckpoints.PathOf(file));
            if (device is not null) shipped.Denoiser.Module.to(device);
            shipped.Denoiser.Module.eval();
            return new NotebookDistilledModel(shipped, true, shipped.Step, null,
                $"{label}: the shipped checkpoint {file} ({shipped.Weights} weights{(shipped.Step is long s ? $", {s:N0} training steps" : "")})");
        }

        string teacherTag = teacher.Step is long teacherStep ? $"teacher-step{teacherStep}" : "teacher";
        var run = new RunFolder(Path.Combine(RunsFolder(), $"{preset}-{task}-{teacherTag}-s{trainSteps}-b{batchSize}-n{trainImages}"));
        var config = ShortRunConfig(task, preset, trainSteps, batchSize, trainImages, teacher.Path, run.Root);
        bool reused = File.Exists(run.FinalEmaPath) && File.Exists(run.ConfigPath) && ExperimentConfig.Load(run.ConfigPath) == config;
        if (!reused)
        {
            var conditionTask = ConditionTasks.Create(task);
            var schedule = NoiseSchedule.Cosine();
            run.Create();
            Runtime.AtomicFile.WriteAllText(run.ConfigPath, config.ToJson());
            using var method = MethodCatalog.Create(config, teacher.Model, conditionTask.ConditionChannels, schedule);
            var trainer = new MethodTrainer(method, conditionTask, schedule, config.ToSettings(), run, device ?? torch.CPU)
            {
                OnProgress = onProgress,
                CheckpointMetadata = new Dictionary<string, string> { ["experiment_config"] = config.ToJson(), ["teacher"] = teacher.Path },
            };
            trainer.Run(FashionMnist.Open(), resume: false);
        }
        var model = TrainedConditionalModel.Load(run.FinalEmaPath);
        if (device is not null) model.Denoiser.Module.to(device);
        model.Denoiser.Module.eval();
        string how = reused ? "reused from an earlier run of this notebook with the same settings" : "trained just now";
        return new NotebookDistilledModel(model, false, trainSteps, run,
            $"{label} trained for {trainSteps:N0} steps of batch {batchSize} in this notebook ({how}; EMA weights; {run.Root}), not the shipped model");
    }
}
