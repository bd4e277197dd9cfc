using System.Text.Json;
using System.Text.Json.Serialization;
using CondDistill.Models;

namespace CondDistill.Training;

/// <summary>
/// Settings of unconditional pretraining of the UNet teacher on the Fashion-MNIST training split
/// (the paper's "large unconditional model", at our scale). Names follow the diffusers training
/// scripts (seed, train batch size, max train steps, learning rate, ...).
/// </summary>
public sealed record PretrainConfig
{
    /// <summary>Seed of data order, timesteps and noise.</summary>
    public int Seed { get; init; }

    /// <summary>Total optimiser steps of the run (a resumed run continues up to this).</summary>
    public long MaxTrainSteps { get; init; } = 20_000;

    /// <summary>Images per step.</summary>
    public int TrainBatchSize { get; init; } = 64;

    /// <summary>Peak AdamW learning rate, reached after <see cref="LearningRateWarmupSteps"/>.</summary>
    public double LearningRate { get; init; } = 4e-4;

    /// <summary>Linear learning-rate warm-up steps.</summary>
    public long LearningRateWarmupSteps { get; init; } = 500;

    /// <summary>
    /// The last N steps decay the learning rate linearly to 0 (warm-up, stable, decay:
    /// <see cref="LearningRateSchedule.WarmupStableDecay"/>); 0 keeps it constant after warm-up. It may be set
    /// or changed on resume as long as the decay starts after the steps already taken.
    /// </summary>
    public long LearningRateDecaySteps { get; init; }

    /// <summary>
    /// Rate the decay ends at (0 = decay to zero); with <see cref="LearningRateHoldSteps"/> the run then trains on
    /// at this rate (<see cref="LearningRateSchedule.WarmupStableDecayHold"/>). May be set on resume like the decay.
    /// </summary>
    public double LearningRateEnd { get; init; }

    /// <summary>Steps at the end of the run held at <see cref="LearningRateEnd"/> after the decay (0 = none).</summary>
    public long LearningRateHoldSteps { get; init; }

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Gradient clipping by global norm.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>EMA decay gamma.</summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>EMA warm-up: decay min(gamma, (1 + n) / (10 + n)) at update n.</summary>
    public bool EmaWarmUp { get; init; } = true;

    /// <summary>Noise schedule name (cosine, linear, scaled-linear).</summary>
    public string Schedule { get; init; } = "cosine";

    /// <summary>The network.</summary>
    public UNetConfig Model { get; init; } = UNetConfig.FashionMnistDefault;

    /// <summary>How many training images to use (from index 0; 60,000 = the whole split).</summary>
    public int TrainImages { get; init; } = 60_000;

    /// <summary>Steps between resumable checkpoints (checkpoints/latest.safetensors).</summary>
    public long CheckpointingSteps { get; init; } = 500;

    /// <summary>Steps between EMA snapshots kept for the quality-against-steps curve (0 = none).</summary>
    public long SnapshotSteps { get; init; } = 2_000;

    /// <summary>Steps between sample grids at fixed seeds (0 = only at the end).</summary>
    public long ValidationSteps { get; init; } = 2_000;

    /// <summary>Images in each validation grid.</summary>
    public int ValidationImages { get; init; } = 64;

    /// <summary>DDIM steps of the validation grids.</summary>
    public int ValidationSamplingSteps { get; init; } = 50;

    /// <summary>Steps between progress lines and metrics records.</summary>
    public long LoggingSteps { get; init; } = 50;

    /// <summary>Checks every field and throws an error naming the field and the allowed values.</summary>
    public void Validate()
    {
        static void Require(bool ok, string field, string rule)
        {
            if (!ok) throw new ArgumentException($"Pretraining config field '{field}': {rule}.");
        }
        Require(MaxTrainSteps > 0, "max_train_steps", "must be at least 1");
        Require(TrainBatchSize > 0, "train_batch_size", "must be at least 1");
        Require(LearningRate > 0, "learning_rate", "must be positive");
        Require(LearningRateWarmupSteps >= 0, "learning_rate_warmup_steps", "must be 0 or more");
        Require(LearningRateDecaySteps >= 0 && LearningRateDecaySteps <= MaxTrainSteps - LearningRateWarmupSteps, "learning_rate_decay_steps",
            "must be in 0..max_train_steps - learning_rate_warmup_steps (the decay starts after the warm-up)");
        Require(LearningRateEnd >= 0 && LearningRateEnd <= LearningRate, "learning_rate_end", "must be in 0..learning_rate");
        Require(LearningRateHoldSteps >= 0 && LearningRateHoldSteps <= MaxTrainSteps - LearningRateWarmupSteps - LearningRateDecaySteps, "learning_rate_hold_steps",
            "must be in 0..max_train_steps - learning_rate_warmup_steps - learning_rate_decay_steps (warm-up, decay and hold must fit in the run)");
        Require(WeightDecay >= 0, "weight_decay", "must be 0 or more");
        Require(MaxGradNorm > 0, "max_grad_norm", "must be positive");
        Require(EmaDecay is >= 0 and < 1, "ema_decay", "must be in [0, 1)");
        Require(Diffusion.NoiseSchedule.AllowedNames.Contains(Schedule), "schedule", $"allowed values are {string.Join(", ", Diffusion.NoiseSchedule.AllowedNames)}");
        Require(TrainImages is > 0 and <= 60_000, "train_images", "must be in 1..60000");
        Require(TrainBatchSize <= TrainImages, "train_batch_size", "must not exceed train_images");
        Require(CheckpointingSteps > 0, "checkpointing_steps", "must be at least 1");
        Require(SnapshotSteps >= 0 && ValidationSteps >= 0, "snapshot_steps / validation_steps", "must be 0 (off) or more");
        Require(ValidationImages > 0 && ValidationSamplingSteps > 0, "validation_images / validation_sampling_steps", "must be at least 1");
        Require(LoggingSteps > 0, "logging_steps", "must be at least 1");
        Model.Validate();
    }

    /// <summary>The learning rate of the zero-based <paramref name="step"/>.</summary>
    public double LearningRateAt(long step) =>
        LearningRateSchedule.WarmupStableDecayHold(step, LearningRate, LearningRateWarmupSteps, MaxTrainSteps, LearningRateDecaySteps, LearningRateEnd, LearningRateHoldSteps);

    /// <summary>First step whose learning rate the decay or hold changes (<see cref="MaxTrainSteps"/> without them).</summary>
    [JsonIgnore]
    public long LearningRateDecayStart => LearningRateSchedule.DecayStart(MaxTrainSteps, LearningRateDecaySteps, LearningRateHoldSteps);

    /// <summary>The learning-rate schedule in words, e.g. "learning rate 0.0004 after 500 warm-up steps, constant".</summary>
    public string DescribeSchedule()
    {
        var text = FormattableString.Invariant($"learning rate {LearningRate} after {LearningRateWarmupSteps} warm-up steps");
        if (LearningRateDecaySteps == 0 && LearningRateHoldSteps == 0) return text + ", constant";
        long decayEnd = MaxTrainSteps - LearningRateHoldSteps;
        text += LearningRateDecaySteps == 0
            ? FormattableString.Invariant($", dropping to {LearningRateEnd} at step {decayEnd}")
            : FormattableString.Invariant($", linear decay from step {LearningRateDecayStart} to {LearningRateEnd} at step {decayEnd}");
        return LearningRateHoldSteps == 0 ? text : text + FormattableString.Invariant($", then held to step {MaxTrainSteps}");
    }

    /// <summary>
    /// The EMA in words, with how far back the average reaches at the last step (<see cref="EmaHorizon"/>), e.g.
    /// "EMA decay 0.9999 with warm-up: at step 48000 the average's mean age is 4800 steps, 90 % of its weight in the last 10837".
    /// </summary>
    public string DescribeEma()
    {
        double meanAge = EmaHorizon.MeanAge(MaxTrainSteps, EmaDecay, EmaWarmUp);
        long recent = EmaHorizon.RecentUpdatesHolding(MaxTrainSteps, EmaDecay, EmaWarmUp, 0.9);
        return FormattableString.Invariant(
            $"EMA decay {EmaDecay}{(EmaWarmUp ? " with warm-up" : "")}: at step {MaxTrainSteps} the average's mean age is {meanAge:F0} steps, 90 % of its weight in the last {recent}");
    }

    /// <summary>JSON options: snake_case names, indented.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Serialises to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses JSON (unknown fields are an error naming the field) and validates.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">File name for error messages.</param>
    public static PretrainConfig FromJson(string json, string source)
    {
        PretrainConfig? config;
        try { config = JsonSerializer.Deserialize<PretrainConfig>(json, JsonOptions); }
        catch (JsonException e) { throw new ArgumentException($"Pretraining config '{source}': {e.Message}", e); }
        if (config is null) throw new ArgumentException($"Pretraining config '{source}' is empty.");
        config.Validate();
        return config;
    }
}
