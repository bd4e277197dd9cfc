using CondDistill.Diffusion;
using CondDistill.Evaluation;
using CondDistill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Benchmarks;

/// <summary>
/// Times deterministic DDIM with trailing spacing (<see cref="DiffusionSamplers.DdimTrailing"/>) of a
/// UNet in eval mode on one batch of seeded noise, at each requested step count, with
/// <see cref="SamplingTimer"/> (one warm-up call, then timed calls; median per call).
/// Timing does not depend on the weights, so the UNet is freshly initialised from the seed.
/// </summary>
public static class SamplingBench
{
    /// <summary>Measures each step count in turn.</summary>
    /// <param name="config">The UNet.</param>
    /// <param name="stepCounts">Sampling step counts, e.g. 1, 4 and 50.</param>
    /// <param name="batchSize">Images per call; ms per image = median call time / batch size.</param>
    /// <param name="runs">Timed calls per step count.</param>
    /// <param name="seed">Seed of the weights and the noise.</param>
    /// <param name="device">Where to run (CPU when null).</param>
    public static IReadOnlyList<SamplingMeasurement> Measure(UNetConfig config, IReadOnlyList<int> stepCounts, int batchSize = 64, int runs = 3,
        long seed = 0, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(stepCounts);
        if (stepCounts.Count == 0 || stepCounts.Any(s => s < 1))
            throw new ArgumentException($"Sampling bench: step counts must be >= 1 (got [{string.Join(", ", stepCounts)}]).", nameof(stepCounts));
        if (batchSize < 1) throw new ArgumentException($"Sampling bench: batch size must be >= 1 (got {batchSize}).", nameof(batchSize));
        if (runs < 1) throw new ArgumentException($"Sampling bench: runs must be >= 1 (got {runs}).", nameof(runs));
        device ??= CPU;
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.FromName(TrainingStepOptions.PretrainingDefaults.Schedule);
        using var generator = new Generator((ulong)seed);
        using var model = new UNet(config, generator);
        model.to(device);
        model.eval();
        var noise = randn([batchSize, config.InChannels, 28, 28], generator: generator).to(device);
        var velocity = model.AsVelocityModel();
        var results = new List<SamplingMeasurement>();
        foreach (int steps in stepCounts)
        {
            var timing = SamplingTimer.Measure(() => DiffusionSamplers.DdimTrailing(velocity, schedule, noise, steps).Samples, runs);
            results.Add(new SamplingMeasurement(steps, batchSize, runs, timing.MedianMillisecondsPerCall));
        }
        return results;
    }
}
