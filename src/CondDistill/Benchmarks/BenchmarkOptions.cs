namespace CondDistill.Benchmarks;

/// <summary>Everything <see cref="SpeedBenchmark.Run"/> measures and how.</summary>
/// <param name="Training">The training-step measurement and leak probe.</param>
/// <param name="SamplingSteps">DDIM step counts to time (empty: no sampling measurement).</param>
/// <param name="SamplingBatchSize">Images per sampling call.</param>
/// <param name="SamplingRuns">Timed sampling calls per step count.</param>
/// <param name="Threads">TorchSharp intra-op threads for the run (0 keeps the current setting); restored afterwards.</param>
/// <param name="RunPyTorchTwin">Also time the PyTorch twin of the training step (after the TorchSharp measurement).</param>
/// <param name="Python">Interpreter for the twin.</param>
/// <param name="TwinScript">Path of tests/parity/bench_twin.py; null finds it walking up from the program and the current directory.</param>
public sealed record BenchmarkOptions(TrainingStepOptions Training, IReadOnlyList<int> SamplingSteps, int SamplingBatchSize = 64,
    int SamplingRuns = 3, int Threads = 0, bool RunPyTorchTwin = false, string Python = PyTorchTwin.DefaultPython, string? TwinScript = null)
{
    /// <summary>The sampling step counts of the speed table: 1, 4 and 50.</summary>
    public static IReadOnlyList<int> DefaultSamplingSteps { get; } = [1, 4, 50];
}
