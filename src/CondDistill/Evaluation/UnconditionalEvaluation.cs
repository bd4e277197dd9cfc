using CondDistill.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Sample quality of an unconditional model (the pretrained teacher): FD-FMNIST and KID-FMNIST of
/// its samples against real images, saturation against the real images' own rate, and ms per image.
/// </summary>
public static class UnconditionalEvaluation
{
    /// <summary>Seed of sample 0 in evaluation runs (validation grids use other seeds).</summary>
    public const long DefaultSeedBase = 1_000_000;

    /// <summary>Samples, measures and returns the report with its protocol.</summary>
    /// <param name="model">The unconditional model.</param>
    /// <param name="schedule">Noise schedule.</param>
    /// <param name="sampler">Sampler and steps.</param>
    /// <param name="extractor">The feature extractor of FD-FMNIST and KID-FMNIST.</param>
    /// <param name="real">Real images [M, 1, 28, 28] to compare against.</param>
    /// <param name="realSplit">Name of the split the real images come from.</param>
    /// <param name="sampleCount">Number of samples.</param>
    /// <param name="weights">"ema" or "online".</param>
    /// <param name="checkpoint">Which file the weights came from.</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="seedBase">Seed of sample 0.</param>
    /// <param name="batchSize">Samples per network call.</param>
    /// <param name="progress">Called after each batch with (done, total).</param>
    /// <returns>The report and the samples (CPU, unclamped) for grids.</returns>
    public static (MetricsReport Report, Tensor Samples) Evaluate(
        VelocityModel model, NoiseSchedule schedule, SamplerSpec sampler, FeatureExtractor extractor, Tensor real, string realSplit,
        int sampleCount, string weights, string? checkpoint, Device device, long seedBase = DefaultSeedBase, int batchSize = 250,
        Action<int, int>? progress = null)
    {
        var cpuShare = Benchmarks.CpuShareMeter.Start();
        var (samples, wall, _) = SampleGeneration.Run((_, _) => model, schedule, sampler, sampleCount, seedBase,
            [real.shape[1], real.shape[2], real.shape[3]], batchSize, device, progress);
        double? otherProcesses = cpuShare.OtherProcessesShare();
        using var scope = NewDisposeScope();
        var clamped = samples.clamp(-1, 1);
        var sampleFeatures = extractor.Features(clamped);
        var realFeatures = extractor.Features(real);
        double fd = FrechetDistance.Compute(sampleFeatures, realFeatures);
        int subset = Math.Min(1000, (int)Math.Min(sampleCount, real.shape[0]));
        var kid = KernelDistance.Compute(sampleFeatures, realFeatures, subset, 100, seed: 0);
        var saturation = Saturation.Compare(samples, real);
        var protocol = new EvaluationProtocol(
            ExtractorHash.Compute(extractor), realSplit, (int)real.shape[0], sampleCount, [seedBase, seedBase + sampleCount - 1],
            weights, sampler.Name, sampler.Steps, Task: "unconditional", Method: "teacher", Checkpoint: checkpoint,
            KidSubsetSize: kid.SubsetSize, KidSubsetCount: kid.SubsetCount, Device: device.ToString());
        var report = new MetricsReport(protocol, FdFmnist: fd, KidFmnistMean: kid.Mean, KidFmnistStd: kid.StandardDeviation,
            SaturationRate: saturation.SampleRate, ReferenceSaturationRate: saturation.ReferenceRate, SaturationRatio: saturation.Ratio,
            MillisecondsPerImage: wall.TotalMilliseconds / sampleCount, OtherProcessesCpuShare: otherProcesses,
            Notes: $"ms/image = batched sampling wall time / samples (batch {batchSize}); FD and KID on samples clamped to [-1, 1]; saturation on raw samples.");
        return (report, samples);
    }

    /// <summary>FD-FMNIST between two real image sets: the floor a model's FD is read against.</summary>
    public static double RealFloor(FeatureExtractor extractor, Tensor realA, Tensor realB)
    {
        using var scope = NewDisposeScope();
        return FrechetDistance.Compute(extractor.Features(realA), extractor.Features(realB));
    }
}
