using System.Globalization;
using System.Text;
using CondDistill.Diffusion;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// The discretisation error of few-step DDIM: for each timestep spacing, how far its samples land from
/// a many-step DDIM solution (by default all T timesteps, t = T-1..0) of the same probability-flow ODE
/// started from the same seeded noise. This measures the sampler against its own limit, with no data
/// and no feature extractor involved, so a spacing can be chosen by it without looking at FD-FMNIST.
/// Deterministic: sample i starts from the noise of seed <c>seedBase + i</c>, independent of the batch.
/// </summary>
public static class SamplerDiscretisation
{
    /// <summary>Seed of sample 0 by default: disjoint from the evaluation seeds (1,000,000..) and the denoising probe's (2,000,000..).</summary>
    public const long DefaultSeedBase = 3_000_000;

    /// <summary>Reference solutions at or below this value (in [-1, 1]) count as background: 0.95 is 2.5 grey levels above black.</summary>
    public const double BackgroundThreshold = -0.95;

    /// <summary>8-bit grey levels per unit of the model's [-1, 1] range.</summary>
    public const double LevelsPerUnit = 127.5;

    /// <summary>
    /// Samples <paramref name="count"/> images with the reference sampler and with DDIM at
    /// <paramref name="steps"/> steps under each of <paramref name="spacings"/>, and returns one point per spacing.
    /// </summary>
    /// <param name="model">The velocity model (unconditional, or with its condition bound).</param>
    /// <param name="schedule">The noise schedule.</param>
    /// <param name="spacings">The spacing rules to compare.</param>
    /// <param name="steps">Steps of the few-step sampler, e.g. 50.</param>
    /// <param name="referenceSteps">Steps of the reference DDIM (trailing spacing; T gives every timestep down to 0).</param>
    /// <param name="sampleShape">Per-sample shape [C, H, W].</param>
    /// <param name="count">How many starting noises.</param>
    /// <param name="seedBase">Seed of sample 0.</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="batchSize">Samples per network call.</param>
    /// <param name="progress">Called after each batch with (done, total).</param>
    public static IReadOnlyList<DiscretisationErrorPoint> Measure(
        VelocityModel model, NoiseSchedule schedule, IReadOnlyList<SpacingRule> spacings, int steps, int referenceSteps,
        long[] sampleShape, int count, long seedBase = DefaultSeedBase, Device? device = null, int batchSize = 64,
        Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(spacings);
        if (spacings.Count == 0) throw new ArgumentException("SamplerDiscretisation: pass at least one spacing rule.", nameof(spacings));
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "SamplerDiscretisation: count must be at least 1.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "SamplerDiscretisation: batchSize must be at least 1.");
        if (referenceSteps <= steps)
            throw new ArgumentOutOfRangeException(nameof(referenceSteps), referenceSteps, $"SamplerDiscretisation: the reference needs more steps than the sampler it judges ({steps}).");
        var timestepLists = spacings.Select(rule => rule.Timesteps(steps, schedule.NumTimesteps)).ToArray();
        int[] referenceTimesteps = TimestepSpacing.Trailing(referenceSteps, schedule.NumTimesteps);
        var squared = new double[spacings.Count];
        var absolute = new double[spacings.Count];
        var backgroundSquared = new double[spacings.Count];
        double pixels = 0, backgroundPixels = 0;
        for (int start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(batchSize, count - start);
            var seeds = Enumerable.Range(start, size).Select(i => seedBase + i).ToArray();
            Tensor noise = SeededNoise.Normal(sampleShape, seeds, device);
            Tensor reference = DiffusionSamplers.Ddim(model, schedule, noise, referenceTimesteps, clampOutput: true).Samples.to_type(ScalarType.Float64);
            Tensor background = reference.le(BackgroundThreshold);
            pixels += reference.numel();
            backgroundPixels += background.sum().item<long>();
            for (int k = 0; k < spacings.Count; k++)
            {
                using var inner = NewDisposeScope();
                Tensor difference = DiffusionSamplers.Ddim(model, schedule, noise, timestepLists[k], clampOutput: true).Samples.to_type(ScalarType.Float64) - reference;
                squared[k] += difference.pow(2).sum().item<double>();
                absolute[k] += difference.abs().sum().item<double>();
                backgroundSquared[k] += difference.pow(2).masked_select(background).sum().item<double>();
            }
            progress?.Invoke(start + size, count);
        }
        return Enumerable.Range(0, spacings.Count).Select(k => new DiscretisationErrorPoint(
            spacings[k].Name, steps, timestepLists[k][^1],
            LevelsPerUnit * Math.Sqrt(squared[k] / pixels),
            LevelsPerUnit * absolute[k] / pixels,
            backgroundPixels > 0 ? LevelsPerUnit * Math.Sqrt(backgroundSquared[k] / backgroundPixels) : double.NaN,
            backgroundPixels / pixels)).ToArray();
    }

    /// <summary>A markdown table of the points, one row per spacing.</summary>
    public static string ToMarkdown(IReadOnlyList<DiscretisationErrorPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var text = new StringBuilder();
        text.AppendLine("| spacing | steps | last t | RMS error (grey levels) | mean abs. error | RMS error on the reference's background |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var p in points)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Spacing} | {p.Steps} | {p.LastTimestep} | {p.RootMeanSquareLevels:F3} | {p.MeanAbsoluteLevels:F3} | {p.BackgroundRootMeanSquareLevels:F3} |"));
        return text.ToString();
    }
}
