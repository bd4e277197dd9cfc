using CondDistill.Data;
using CondDistill.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Quality of a conditional model on a fixed set of test images: FD-FMNIST and KID-FMNIST against
/// the ground truth, PSNR, SSIM and the LPIPS-style distance to the ground truth, condition
/// consistency (PSNR of the task's own disagreement measure, on [0, 1] images), saturation against
/// the ground truth's own rate, diversity over several samples of one condition, and ms per image.
/// </summary>
public static class ConditionalEvaluation
{
    /// <summary>Seed of sample 0 (sample i of the evaluation set uses seed + i).</summary>
    public const long DefaultSeedBase = 3_000_000;

    /// <summary>Seed of the diversity draws (condition c, draw k uses seed + c * K + k).</summary>
    public const long DiversitySeedBase = 4_000_000;

    /// <summary>Samples one output per test image (and K per condition for diversity) and measures everything.</summary>
    /// <param name="modelFor">The model with a batch of conditions bound (e.g. an ITrainingMethod's SamplingModel).</param>
    /// <param name="task">The condition task.</param>
    /// <param name="schedule">Noise schedule.</param>
    /// <param name="sampler">Sampler and steps.</param>
    /// <param name="extractor">The FD-FMNIST extractor.</param>
    /// <param name="truth">Ground-truth test images and their dataset indices.</param>
    /// <param name="conditionSeed">Seed of the task's per-sample randomness.</param>
    /// <param name="protocol">Protocol fields the caller knows (method, weights, checkpoint); sampler, counts, seeds and hash are filled here.</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="diversityConditions">How many of the first conditions get <paramref name="diversitySamples"/> extra draws (0 = skip).</param>
    /// <param name="diversitySamples">Draws per condition for diversity.</param>
    /// <param name="batchSize">Samples per network call.</param>
    /// <returns>The report and the samples (CPU, unclamped).</returns>
    public static (MetricsReport Report, Tensor Samples) Evaluate(
        Func<Tensor, VelocityModel> modelFor, ConditionTask task, NoiseSchedule schedule, SamplerSpec sampler, FeatureExtractor extractor,
        LabeledImages truth, int conditionSeed, EvaluationProtocol protocol, Device device,
        int diversityConditions = 16, int diversitySamples = 4, int batchSize = 250)
    {
        using var scope = NewDisposeScope();
        var conditions = task.Compute(truth.Images, truth.Indices, conditionSeed).to(device);
        long[] shape = [truth.Images.shape[1], truth.Images.shape[2], truth.Images.shape[3]];
        var cpuShare = Benchmarks.CpuShareMeter.Start();
        var (samples, wall, _) = SampleGeneration.Run((start, size) => modelFor(conditions.narrow(0, start, size)), schedule, sampler,
            truth.Count, DefaultSeedBase, shape, batchSize, device);
        double? otherProcesses = cpuShare.OtherProcessesShare();
        var clamped = samples.clamp(-1, 1);
        var real = truth.Images.cpu();

        var sampleFeatures = extractor.Features(clamped);
        var realFeatures = extractor.Features(real);
        var kid = KernelDistance.Compute(sampleFeatures, realFeatures, Math.Min(1000, truth.Count), 100, seed: 0);
        double consistencyMse = task.ConsistencyError(clamped, conditions.cpu()).mean().item<float>();
        var saturation = Saturation.Compare(samples, real);

        double? diversity = null;
        int d = Math.Min(diversityConditions, truth.Count);
        if (d > 0 && diversitySamples > 1)
        {
            var repeated = conditions.narrow(0, 0, d).repeat_interleave(diversitySamples, dim: 0);
            var (draws, _, _) = SampleGeneration.Run((start, size) => modelFor(repeated.narrow(0, start, size)), schedule, sampler,
                d * diversitySamples, DiversitySeedBase, shape, batchSize, device);
            using (draws) diversity = SampleDiversity.MeanPairwiseDistance(draws.clamp(-1, 1).reshape([d, diversitySamples, .. shape]));
        }

        var fullProtocol = protocol with
        {
            ExtractorHash = ExtractorHash.Compute(extractor), RealCount = truth.Count, SampleCount = truth.Count,
            Seeds = [DefaultSeedBase, DefaultSeedBase + truth.Count - 1], Sampler = sampler.Name, Steps = sampler.Steps, Task = task.Name,
            KidSubsetSize = kid.SubsetSize, KidSubsetCount = kid.SubsetCount, DiversitySamplesPerCondition = diversity is null ? 0 : diversitySamples,
            DiversityConditions = diversity is null ? 0 : d, Device = device.ToString(),
        };
        var report = new MetricsReport(fullProtocol,
            FdFmnist: FrechetDistance.Compute(sampleFeatures, realFeatures), KidFmnistMean: kid.Mean, KidFmnistStd: kid.StandardDeviation,
            PsnrMeanDb: PeakSignalToNoiseRatio.Mean(clamped, real), PsnrPooledDb: PeakSignalToNoiseRatio.Pooled(clamped, real),
            SsimMean: StructuralSimilarity.Mean(clamped, real), LpipsStyleDistance: ClassifierFeatureDistance.Mean(extractor, clamped, real),
            // The task's error is a mean square on [-1, 1] images; on [0, 1] images it is a quarter of that.
            ConditionConsistencyPsnrDb: PeakSignalToNoiseRatio.FromMeanSquaredError(consistencyMse / 4),
            SaturationRate: saturation.SampleRate, ReferenceSaturationRate: saturation.ReferenceRate, SaturationRatio: saturation.Ratio,
            DiversityPairwiseL2: diversity, MillisecondsPerImage: wall.TotalMilliseconds / truth.Count, OtherProcessesCpuShare: otherProcesses,
            Notes: $"one sample per test image; ms/image = batched sampling wall time / samples (batch {batchSize}); image metrics on samples clamped to [-1, 1], saturation on raw samples; condition consistency = PSNR of the task's own error ({task.Description}).");
        return (report, samples.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// One sample per condition, drawn with the evaluation's seeds (sample i from seed
    /// <see cref="DefaultSeedBase"/> + i), so they equal the first samples <see cref="Evaluate"/> draws;
    /// on the CPU, clamped to [-1, 1]. For grids beside an evaluation.
    /// </summary>
    /// <param name="modelFor">The model with a batch of conditions bound.</param>
    /// <param name="conditions">Conditions [N, Cc, H, W] on <paramref name="device"/>.</param>
    /// <param name="imageShape">Per-sample shape, e.g. [1, 28, 28].</param>
    /// <param name="schedule">Noise schedule.</param>
    /// <param name="sampler">Sampler and steps.</param>
    /// <param name="device">Where the model runs.</param>
    public static Tensor SamplesAtEvaluationSeeds(Func<Tensor, VelocityModel> modelFor, Tensor conditions, long[] imageShape, NoiseSchedule schedule,
        SamplerSpec sampler, Device device)
    {
        using var scope = NewDisposeScope();
        int count = (int)conditions.shape[0];
        var (samples, _, _) = SampleGeneration.Run((start, size) => modelFor(conditions.narrow(0, start, size)), schedule, sampler,
            count, DefaultSeedBase, imageShape, count, device);
        return samples.clamp(-1, 1).MoveToOuterDisposeScope();
    }
}
