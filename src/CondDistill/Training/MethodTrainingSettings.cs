namespace CondDistill.Training;

/// <summary>
/// The training-loop settings every conditional method shares (names as in the diffusers training
/// scripts), so compared methods differ only in their objective.
/// </summary>
public sealed record MethodTrainingSettings
{
    /// <summary>Seed of data order and of the loss's timesteps and noise.</summary>
    public int Seed { get; init; }

    /// <summary>Total optimiser steps.</summary>
    public long MaxTrainSteps { get; init; } = 2_000;

    /// <summary>Image-condition pairs per step.</summary>
    public int TrainBatchSize { get; init; } = 64;

    /// <summary>Peak AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Linear learning-rate warm-up steps.</summary>
    public long LearningRateWarmupSteps { get; init; } = 100;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Gradient clipping by global norm.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Training images used (from index 0 of the training split).</summary>
    public int TrainImages { get; init; } = 60_000;

    /// <summary>Seed of the condition tasks' per-sample randomness (inpainting boxes, SR noise).</summary>
    public int ConditionSeed { get; init; }

    /// <summary>Steps between resumable checkpoints.</summary>
    public long CheckpointingSteps { get; init; } = 250;

    /// <summary>Steps between validation grids (0 = only at the end).</summary>
    public long ValidationSteps { get; init; } = 500;

    /// <summary>Test images shown in each validation grid.</summary>
    public int ValidationImages { get; init; } = 8;

    /// <summary>Steps between metrics records and progress lines.</summary>
    public long LoggingSteps { get; init; } = 10;

    /// <summary>Throws an error naming the field when a value is out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string field, string rule)
        {
            if (!ok) throw new ArgumentException($"Training setting '{field}': {rule}.");
        }
        Require(MaxTrainSteps > 0, "max_train_steps", "must be at least 1");
        Require(TrainBatchSize > 0 && TrainBatchSize <= TrainImages, "train_batch_size", "must be in 1..train_images");
        Require(LearningRate > 0, "learning_rate", "must be positive");
        Require(LearningRateWarmupSteps >= 0, "learning_rate_warmup_steps", "must be 0 or more");
        Require(WeightDecay >= 0, "weight_decay", "must be 0 or more");
        Require(MaxGradNorm > 0, "max_grad_norm", "must be positive");
        Require(TrainImages is > 0 and <= 60_000, "train_images", "must be in 1..60000");
        Require(CheckpointingSteps > 0, "checkpointing_steps", "must be at least 1");
        Require(ValidationSteps >= 0, "validation_steps", "must be 0 (only at the end) or more");
        Require(ValidationImages is > 0 and <= 10_000, "validation_images", "must be in 1..10000");
        Require(LoggingSteps > 0, "logging_steps", "must be at least 1");
    }
}
