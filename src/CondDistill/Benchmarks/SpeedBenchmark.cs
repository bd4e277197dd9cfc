using CondDistill.Runtime;
using static TorchSharp.torch;

namespace CondDistill.Benchmarks;

/// <summary>
/// The speed section of the project in one call: training-step time (with a leak probe), DDIM
/// sampling time per image at several step counts, peak resident memory, and optionally the same
/// training step in PyTorch for a TorchSharp/PyTorch ratio. Steps run one after another, never
/// concurrently; the PyTorch twin runs last, in a subprocess.
/// </summary>
public static class SpeedBenchmark
{
    /// <summary>Runs every measurement <paramref name="options"/> asks for.</summary>
    /// <param name="options">What to measure.</param>
    /// <param name="device">Where to run.</param>
    /// <param name="onNote">Optional progress lines.</param>
    public static BenchmarkReport Run(BenchmarkOptions options, Device device, Action<string>? onNote = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        options.Training.Validate();
        if (options.Threads < 0) throw new ArgumentException($"Benchmark: threads must be >= 0, 0 = keep the current setting (got {options.Threads}).");
        int previousThreads = get_num_threads();
        if (options.Threads > 0) set_num_threads(options.Threads);
        try
        {
            var training = options.Training;
            var protocol = new BenchmarkProtocol(training.Config, get_num_threads(), device.ToString(), training.BatchSize, training.WarmUpSteps,
                training.TimedSteps, StepDescription(), options.SamplingBatchSize, options.SamplingRuns, "ddim-trailing (eta 0)", training.Seed,
                MachineDescription.Current(), GitInfo.BuildCommit(), DateTimeOffset.UtcNow);
            var cpu = CpuShareMeter.Start();

            onNote?.Invoke($"timing {training.TotalSteps} training steps (batch {training.BatchSize}, {protocol.Threads} threads)");
            var trainingResult = TrainingStepBench.Measure(training, device, onNote);
            IReadOnlyList<SamplingMeasurement> sampling = [];
            if (options.SamplingSteps.Count > 0)
            {
                onNote?.Invoke($"timing DDIM sampling at {string.Join(", ", options.SamplingSteps)} steps (batch {options.SamplingBatchSize})");
                sampling = SamplingBench.Measure(training.Config, options.SamplingSteps, options.SamplingBatchSize, options.SamplingRuns, training.Seed, device);
            }
            long peak = MemoryProbe.PeakResidentBytes();
            double? others = cpu.OtherProcessesShare(); // before the twin, which is a subprocess
            PyTorchTwinResult? twin = null;
            if (options.RunPyTorchTwin)
            {
                onNote?.Invoke($"timing the PyTorch twin ({options.Python}, {protocol.Threads} threads)");
                twin = PyTorchTwin.Run(options.Python, options.TwinScript, training, protocol.Threads, TimeSpan.FromHours(2));
            }
            return new BenchmarkReport(protocol, trainingResult, sampling, peak, twin, others);
        }
        finally
        {
            set_num_threads(previousThreads);
        }
    }

    private static string StepDescription()
    {
        var s = TrainingStepOptions.PretrainingDefaults;
        return FormattableString.Invariant(
            $"random x, t, eps; v-prediction MSE on the {s.Schedule} schedule; backward; clip_grad_norm {s.MaxGradNorm}; AdamW lr {s.LearningRate} wd {s.WeightDecay}; EMA {s.EmaDecay}{(s.EmaWarmUp ? " with warm-up" : "")}");
    }
}
