using System.Diagnostics;
using System.Globalization;
using CondDistill.Diffusion;
using CondDistill.Models;
using CondDistill.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Benchmarks;

/// <summary>
/// Times the pretraining step (what <see cref="Pretrainer"/> does per step, on random data):
/// draw x, t and noise; v-prediction loss (<see cref="DenoisingLoss.VPrediction"/>); backward;
/// gradient-norm clipping; AdamW; EMA update. Each step runs in its own dispose scope, as in
/// training, and the whole step is inside the stopwatch. The same run doubles as a leak probe:
/// resident memory is read after <see cref="TrainingStepOptions.LeakFromStep"/> and
/// <see cref="TrainingStepOptions.LeakToStep"/> steps. tests/parity/bench_twin.py is the PyTorch twin.
/// </summary>
public static class TrainingStepBench
{
    /// <summary>Steps between two memory readings during a leak probe.</summary>
    public const int ReadingInterval = 100;

    /// <summary>Runs <see cref="TrainingStepOptions.TotalSteps"/> steps and summarises them.</summary>
    /// <param name="options">What to measure.</param>
    /// <param name="device">Where to run (CPU when null).</param>
    /// <param name="onNote">Optional progress lines (every 100 steps during a long leak probe).</param>
    public static TrainingStepMeasurement Measure(TrainingStepOptions options, Device? device = null, Action<string>? onNote = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        device ??= CPU;
        var settings = TrainingStepOptions.PretrainingDefaults;
        var schedule = NoiseSchedule.FromName(settings.Schedule);
        using var generator = new Generator((ulong)options.Seed);
        using var model = new UNet(options.Config, generator);
        model.to(device);
        model.train();
        var parameters = model.named_parameters().ToList();
        using var optimizer = optim.AdamW(parameters.Select(p => p.parameter), lr: settings.LearningRate, weight_decay: settings.WeightDecay);
        using var ema = new Ema(parameters.Select(p => (p.name, p.parameter)), settings.EmaDecay, settings.EmaWarmUp);
        long[] imageShape = [options.BatchSize, options.Config.InChannels, 28, 28];

        var times = new List<double>(options.TimedSteps);
        long? fromBytes = null, toBytes = null;
        var readings = new List<MemoryReading>();
        double loss = double.NaN;
        for (long step = 1; step <= options.TotalSteps; step++)
        {
            var clock = Stopwatch.StartNew();
            loss = Step(model, optimizer, ema, schedule, imageShape, settings.MaxGradNorm, generator, device);
            clock.Stop();
            if (step > options.WarmUpSteps && times.Count < options.TimedSteps) times.Add(clock.Elapsed.TotalMilliseconds);
            if (options.LeakToStep > 0 && (step % ReadingInterval == 0 || step == options.LeakFromStep || step == options.LeakToStep))
            {
                var reading = MemoryReading.Take(step);
                readings.Add(reading);
                if (step == options.LeakFromStep) fromBytes = reading.ResidentBytes;
                if (step == options.LeakToStep) toBytes = reading.ResidentBytes;
                if (onNote is not null && step % ReadingInterval == 0) onNote(Describe(reading, options.TotalSteps));
            }
        }
        var growth = fromBytes is long a && toBytes is long b ? new ResidentMemoryGrowth(options.LeakFromStep, options.LeakToStep, a, b) : null;
        return new TrainingStepMeasurement(parameters.Sum(p => p.parameter.numel()), options.BatchSize, Statistics.Median(times), times, loss, growth, readings);
    }

    /// <summary>One progress line of the leak probe: RSS and what it is made of.</summary>
    public static string Describe(MemoryReading reading, long totalSteps)
    {
        ArgumentNullException.ThrowIfNull(reading);
        static string Mib(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);
        var native = reading.NativeHeap is { } n ? $", C heap in use {Mib(n.InUseBytes)} MiB + free held {Mib(n.FreeHeldBytes)} MiB" : "";
        return $"training step {reading.Step}/{totalSteps}: resident {Mib(reading.ResidentBytes)} MiB (managed heap {Mib(reading.ManagedHeapBytes)} MiB{native})";
    }

    /// <summary>One step; returns the loss.</summary>
    private static double Step(UNet model, AdamW optimizer, Ema ema, NoiseSchedule schedule, long[] imageShape, double maxGradNorm,
        Generator generator, Device device)
    {
        using var scope = NewDisposeScope();
        var x = (rand(imageShape, generator: generator) * 2 - 1).to(device);
        var t = randint(0, schedule.NumTimesteps, [imageShape[0]], dtype: int64, generator: generator).to(device);
        var eps = randn(imageShape, generator: generator).to(device);
        optimizer.zero_grad();
        var loss = DenoisingLoss.VPrediction(model.AsVelocityModel(), schedule, x, t, eps);
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), maxGradNorm);
        optimizer.step();
        ema.Update();
        return loss.item<float>();
    }
}
