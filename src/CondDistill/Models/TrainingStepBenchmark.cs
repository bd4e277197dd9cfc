using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// Measures what one pretraining step of a UNet costs (forward, v-style MSE loss, backward, AdamW)
/// on random 28x28 data, to choose a model size for the CPU budget. The table behind
/// <see cref="UNetConfig.FashionMnistDefault"/> was made this way. On a shared machine compare
/// against a reference step measured at the same time: oversubscribed cores slow multi-threaded
/// steps far more than single-threaded ones.
/// </summary>
public static class TrainingStepBenchmark
{
    /// <summary>Times <paramref name="steps"/> steps after <paramref name="warmUp"/> untimed ones.</summary>
    /// <param name="config">The UNet to measure.</param>
    /// <param name="batchSize">Images per step.</param>
    /// <param name="steps">Timed steps (at least 1).</param>
    /// <param name="warmUp">Untimed steps first.</param>
    /// <param name="threads">Intra-op threads to set for the measurement (restored afterwards).</param>
    /// <param name="seed">Seed of the weights and data.</param>
    public static TrainingStepTiming Measure(UNetConfig config, int batchSize = 64, int steps = 5, int warmUp = 1, int threads = 2, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "At least one timed step is needed.");
        int previousThreads = get_num_threads();
        set_num_threads(threads);
        try
        {
            using var generator = new Generator((ulong)seed);
            using var unet = new UNet(config, generator);
            unet.train();
            long parameters = unet.parameters().Sum(p => p.numel());
            var controlled = new ControlledUNet(unet, new ControlNetConfig(1), generator);
            long adapter = controlled.ParameterCount(TrainableScope.AdapterOnly);
            controlled.Adapter.Dispose(); // not the ControlledUNet: that would dispose the shared backbone too
            using var optimizer = optim.AdamW(unet.parameters(), lr: 1e-4);
            var times = new List<double>();
            for (int i = 0; i < warmUp + steps; i++)
            {
                using var scope = NewDisposeScope();
                var x = randn(new long[] { batchSize, config.InChannels, 28, 28 }, generator: generator);
                var t = randint(0, 1000, new long[] { batchSize }, generator: generator);
                var watch = Stopwatch.StartNew();
                optimizer.zero_grad();
                nn.functional.mse_loss(unet.call(x, t), x).backward();
                optimizer.step();
                watch.Stop();
                if (i >= warmUp) times.Add(watch.Elapsed.TotalMilliseconds);
            }
            var sorted = times.Order().ToList();
            return new TrainingStepTiming(config, parameters, adapter, batchSize, threads, sorted[sorted.Count / 2], times);
        }
        finally
        {
            set_num_threads(previousThreads);
        }
    }
}
