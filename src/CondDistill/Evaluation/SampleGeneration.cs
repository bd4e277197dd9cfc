using System.Diagnostics;
using CondDistill.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Draws many samples in batches with per-sample seeds (sample i uses seed <c>seedBase + i</c>, so a
/// sample never depends on the batch size) and times the sampling.
/// </summary>
public static class SampleGeneration
{
    /// <summary>Samples <paramref name="count"/> images; returns them on the CPU, unclamped, with the wall time.</summary>
    /// <param name="modelForBatch">Returns the velocity model for the batch starting at the given sample index (lets callers bind each batch's conditions).</param>
    /// <param name="schedule">Noise schedule.</param>
    /// <param name="sampler">Sampler and steps.</param>
    /// <param name="count">Number of samples.</param>
    /// <param name="seedBase">Seed of sample 0.</param>
    /// <param name="imageShape">Per-sample shape, e.g. [1, 28, 28].</param>
    /// <param name="batchSize">Samples per network call.</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="progress">Called after each batch with (done, total).</param>
    public static (Tensor Samples, TimeSpan WallTime, int NetworkEvaluations) Run(
        Func<int, int, VelocityModel> modelForBatch, NoiseSchedule schedule, SamplerSpec sampler, int count, long seedBase,
        long[] imageShape, int batchSize, Device device, Action<int, int>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var batches = new List<Tensor>();
        var clock = new Stopwatch();
        int evaluations = 0;
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            using var scope = NewDisposeScope();
            var seeds = Enumerable.Range(start, size).Select(i => seedBase + i).ToList();
            var noise = SeededNoise.Normal(imageShape, seeds, device);
            clock.Start();
            var result = sampler.Run(modelForBatch(start, size), schedule, noise, seeds);
            var samples = result.Samples.cpu();
            clock.Stop();
            evaluations = result.NetworkEvaluations;
            batches.Add(samples.MoveToOuterDisposeScope());
            progress?.Invoke(start + size, count);
        }
        using var all = NewDisposeScope();
        var joined = cat(batches, 0).MoveToOuterDisposeScope();
        foreach (var batch in batches) batch.Dispose();
        return (joined, clock.Elapsed, evaluations);
    }
}
