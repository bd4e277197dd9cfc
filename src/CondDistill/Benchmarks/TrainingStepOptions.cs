using CondDistill.Models;
using CondDistill.Training;

namespace CondDistill.Benchmarks;

/// <summary>
/// What <see cref="TrainingStepBench"/> measures: one pretraining step of a UNet (v-prediction loss on
/// the cosine schedule, backward, gradient clipping, AdamW, EMA update) on random data, with
/// optimiser settings taken from the pretraining defaults (<see cref="PretrainConfig"/>).
/// </summary>
/// <param name="Config">The UNet.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="WarmUpSteps">Untimed steps first.</param>
/// <param name="TimedSteps">Timed steps after the warm-up (at least 1); the median is reported.</param>
/// <param name="LeakFromStep">Steps completed at the first resident-memory reading (ignored when <paramref name="LeakToStep"/> is 0).</param>
/// <param name="LeakToStep">Steps completed at the second reading; 0 skips the leak probe. The run lasts max(warm-up + timed, this) steps.</param>
/// <param name="Seed">Seed of the weights and the random data.</param>
public sealed record TrainingStepOptions(UNetConfig Config, int BatchSize = 64, int WarmUpSteps = 3, int TimedSteps = 20,
    long LeakFromStep = 100, long LeakToStep = 1000, long Seed = 0)
{
    /// <summary>Pretraining defaults the step uses (learning rate, weight decay, gradient clip, EMA decay and warm-up, schedule).</summary>
    public static PretrainConfig PretrainingDefaults { get; } = new();

    /// <summary>Total steps the run takes.</summary>
    public long TotalSteps => Math.Max(WarmUpSteps + (long)TimedSteps, LeakToStep);

    /// <summary>Throws <see cref="ArgumentException"/> naming the option when the values cannot be measured.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Config);
        Config.Validate();
        if (BatchSize < 1) throw new ArgumentException($"Training bench: batch size must be >= 1 (got {BatchSize}).");
        if (WarmUpSteps < 0) throw new ArgumentException($"Training bench: warm-up steps must be >= 0 (got {WarmUpSteps}).");
        if (TimedSteps < 1) throw new ArgumentException($"Training bench: timed steps must be >= 1 (got {TimedSteps}).");
        if (LeakToStep < 0) throw new ArgumentException($"Training bench: leak probe end step must be >= 0, 0 = off (got {LeakToStep}).");
        if (LeakToStep > 0 && (LeakFromStep < 1 || LeakFromStep >= LeakToStep))
            throw new ArgumentException($"Training bench: leak probe start step must be in 1..{LeakToStep - 1} (got {LeakFromStep}); fix --leak-start or --leak-steps.");
    }
}
