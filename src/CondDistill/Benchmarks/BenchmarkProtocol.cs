using CondDistill.Models;

namespace CondDistill.Benchmarks;

/// <summary>How a benchmark was run, written beside its figures.</summary>
/// <param name="Config">The UNet measured.</param>
/// <param name="Threads">TorchSharp intra-op threads during the run.</param>
/// <param name="Device">Compute device.</param>
/// <param name="TrainBatchSize">Images per training step.</param>
/// <param name="WarmUpSteps">Untimed training steps first.</param>
/// <param name="TimedSteps">Timed training steps (median reported).</param>
/// <param name="TrainingStep">What one training step contains.</param>
/// <param name="SamplingBatchSize">Images per sampling call.</param>
/// <param name="SamplingRuns">Timed sampling calls per step count (median reported, after one warm-up call).</param>
/// <param name="Sampler">Sampler timed.</param>
/// <param name="Seed">Seed of weights, data and noise.</param>
/// <param name="Machine">The machine.</param>
/// <param name="Commit">Commit the running build was made from (with "+dirty" when built from uncommitted changes).</param>
/// <param name="StartedUtc">When the run started.</param>
public sealed record BenchmarkProtocol(UNetConfig Config, int Threads, string Device, int TrainBatchSize, int WarmUpSteps, int TimedSteps,
    string TrainingStep, int SamplingBatchSize, int SamplingRuns, string Sampler, long Seed, MachineDescription Machine, string Commit,
    DateTimeOffset StartedUtc);
