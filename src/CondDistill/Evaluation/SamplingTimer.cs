using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>Times a sampling callable in milliseconds per image: one untimed warm-up call, then timed calls (Stopwatch).</summary>
public static class SamplingTimer
{
    /// <summary>
    /// Calls <paramref name="sampleBatch"/> once to warm up, then <paramref name="timedCalls"/> times under a stopwatch.
    /// Each call runs in its own dispose scope under no_grad; its result (images [B, ...]) is disposed.
    /// </summary>
    public static SamplingTiming Measure(Func<Tensor> sampleBatch, int timedCalls = 3)
    {
        if (timedCalls < 1) throw new ArgumentException($"timedCalls must be >= 1, got {timedCalls}.", nameof(timedCalls));
        using var noGrad = no_grad();
        RunOnce(sampleBatch);
        var durations = new double[timedCalls];
        long imagesPerCall = 0;
        for (int i = 0; i < timedCalls; i++)
        {
            var clock = Stopwatch.StartNew();
            imagesPerCall = RunOnce(sampleBatch);
            durations[i] = clock.Elapsed.TotalMilliseconds;
        }
        if (imagesPerCall < 1) throw new InvalidOperationException("The sampling callable returned no images (first dimension 0).");
        Array.Sort(durations);
        double median = timedCalls % 2 == 1 ? durations[timedCalls / 2] : (durations[timedCalls / 2 - 1] + durations[timedCalls / 2]) / 2;
        return new SamplingTiming(durations.Sum() / (imagesPerCall * (double)timedCalls), median, imagesPerCall, timedCalls);
    }

    private static long RunOnce(Func<Tensor> sampleBatch)
    {
        using var scope = NewDisposeScope();
        var images = sampleBatch();
        return images.dim() == 0 ? 0 : images.shape[0];
    }
}
