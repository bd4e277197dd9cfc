using System.Text.Json;
using System.Text.Json.Serialization;
using CondDistill.Data;
using CondDistill.Training;
using CondDistill.Training.CoDi;

namespace CondDistill.Experiments;

/// <summary>
/// One run of one method, as a JSON file with the diffusers training scripts' names (snake_case):
/// seed, task, method and its switches, max_train_steps, train_batch_size, learning_rate,
/// max_grad_norm, ema_decay, checkpointing_steps, validation_steps, resume_from_checkpoint,
/// output_dir. Unknown fields are an error, and every check names the field and the allowed values.
/// </summary>
public sealed record ExperimentConfig
{
    /// <summary>Seed of data order, initialisation and the loss's randomness.</summary>
    public int Seed { get; init; }

    /// <summary>Condition task: sr4, sr2, inpaint, edges.</summary>
    public string Task { get; init; } = "sr4";

    /// <summary>Method: one of <see cref="MethodCatalog.Names"/>.</summary>
    public string Method { get; init; } = MethodCatalog.CoDi;

    /// <summary>For method "codi": the switch preset (see <see cref="CoDiOptions.Presets"/>), e.g. paper-defaults, pe-codi.</summary>
    public string CodiPreset { get; init; } = "paper-defaults";

    /// <summary>The pretrained unconditional teacher (default: the shipped one).</summary>
    public string? Teacher { get; init; }

    /// <summary>For cm-ii, cm-ii-frozen and gd-ii: the fine-tuned conditional model to distil (a fine-tuning run's ema.safetensors).</summary>
    public string? ConditionalTeacher { get; init; }

    /// <summary>For gd-ii: the student's step count (its teacher takes twice as many).</summary>
    public int GdStudentSteps { get; init; } = 4;

    /// <summary>Total optimiser steps.</summary>
    public long MaxTrainSteps { get; init; } = 2_000;

    /// <summary>Pairs per step.</summary>
    public int TrainBatchSize { get; init; } = 64;

    /// <summary>Peak AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Linear warm-up steps.</summary>
    public long LearningRateWarmupSteps { get; init; } = 100;

    /// <summary>Gradient clipping by global norm.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>EMA decay (null: the method's default, 0.999).</summary>
    public double? EmaDecay { get; init; }

    /// <summary>EMA warm-up min(decay, (1 + n) / (10 + n)) (null: the method's default).</summary>
    public bool? EmaWarmUp { get; init; }

    /// <summary>Training images used (from index 0).</summary>
    public int TrainImages { get; init; } = 60_000;

    /// <summary>Seed of the condition tasks' per-sample randomness.</summary>
    public int ConditionSeed { get; init; }

    /// <summary>Steps between resumable checkpoints.</summary>
    public long CheckpointingSteps { get; init; } = 250;

    /// <summary>Steps between validation grids (0 = only at the end).</summary>
    public long ValidationSteps { get; init; } = 500;

    /// <summary>Test images per validation grid.</summary>
    public int ValidationImages { get; init; } = 8;

    /// <summary>Steps between metrics records.</summary>
    public long LoggingSteps { get; init; } = 10;

    /// <summary>"latest" resumes from the run folder's checkpoint when present; "none" starts over.</summary>
    public string ResumeFromCheckpoint { get; init; } = "latest";

    /// <summary>Run folder (default runs/{method}-{task}).</summary>
    public string? OutputDir { get; init; }

    /// <summary>The run folder this config writes to.</summary>
    [JsonIgnore]
    public string ResolvedOutputDir => OutputDir ?? Path.Combine("runs", $"{(Method == MethodCatalog.CoDi ? $"codi-{CodiPreset}" : Method)}-{Task}");

    /// <summary>The shared loop's settings.</summary>
    public MethodTrainingSettings ToSettings() => new()
    {
        Seed = Seed, MaxTrainSteps = MaxTrainSteps, TrainBatchSize = TrainBatchSize, LearningRate = LearningRate,
        LearningRateWarmupSteps = LearningRateWarmupSteps, MaxGradNorm = MaxGradNorm, TrainImages = TrainImages,
        ConditionSeed = ConditionSeed, CheckpointingSteps = CheckpointingSteps, ValidationSteps = ValidationSteps,
        ValidationImages = ValidationImages, LoggingSteps = LoggingSteps,
    };

    /// <summary>Checks every field; errors name the field and the allowed values.</summary>
    public void Validate()
    {
        static void Require(bool ok, string field, string rule)
        {
            if (!ok) throw new ArgumentException($"Experiment config field '{field}': {rule}.");
        }
        Require(ConditionTasks.Names.Contains(Task), "task", $"allowed values are {string.Join(", ", ConditionTasks.Names)}");
        Require(MethodCatalog.Names.Contains(Method), "method", $"allowed values are {string.Join(", ", MethodCatalog.Names)}");
        Require(Method != MethodCatalog.CoDi || CoDiOptions.Presets.ContainsKey(CodiPreset), "codi_preset",
            $"allowed values are {string.Join(", ", CoDiOptions.Presets.Keys)}");
        Require(!MethodCatalog.NeedsConditionalTeacher(Method) || !string.IsNullOrWhiteSpace(ConditionalTeacher), "conditional_teacher",
            $"method '{Method}' distils a fine-tuned model: give the path of a fine-tuning run's ema.safetensors");
        Require(GdStudentSteps is >= 1 and <= 500, "gd_student_steps", "must be in 1..500");
        Require(EmaDecay is null or (>= 0 and < 1), "ema_decay", "must be in [0, 1)");
        Require(ResumeFromCheckpoint is "latest" or "none", "resume_from_checkpoint", "allowed values are latest, none");
        ToSettings().Validate();
    }

    /// <summary>
    /// Throws when <paramref name="run"/> already holds a run with another config, since resuming it
    /// would mix two experiments; only max_train_steps may change (it does not alter the trajectory).
    /// </summary>
    /// <exception cref="InvalidOperationException">The folder's config differs; the message says how to fix it.</exception>
    public void EnsureResumableIn(RunFolder run)
    {
        if (ResumeFromCheckpoint != "latest" || !File.Exists(run.ConfigPath) || !File.Exists(run.LatestCheckpointPath)) return;
        var previous = Load(run.ConfigPath);
        if (previous with { MaxTrainSteps = MaxTrainSteps } != this)
            throw new InvalidOperationException(
                $"Run folder '{run.Root}' holds a run with another config ({run.ConfigPath}); only max_train_steps may change on resume. " +
                $"Fix: use that config (--config {run.ConfigPath}), --out a new folder, or resume_from_checkpoint none.");
    }

    /// <summary>JSON options: snake_case, indented, unknown fields rejected.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Serialises to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and validates; errors name <paramref name="source"/>.</summary>
    public static ExperimentConfig FromJson(string json, string source)
    {
        ExperimentConfig? config;
        try { config = JsonSerializer.Deserialize<ExperimentConfig>(json, JsonOptions); }
        catch (JsonException e) { throw new ArgumentException($"Experiment config '{source}': {e.Message}", e); }
        if (config is null) throw new ArgumentException($"Experiment config '{source}' is empty.");
        try { config.Validate(); }
        catch (ArgumentException e) { throw new ArgumentException($"Experiment config '{source}': {e.Message}", e); }
        return config;
    }

    /// <summary>Reads and validates a config file.</summary>
    public static ExperimentConfig Load(string path) =>
        File.Exists(path) ? FromJson(File.ReadAllText(path), path)
            : throw new FileNotFoundException($"Experiment config '{path}' not found.", path);
}
