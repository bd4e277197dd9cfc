using CondDistill.Diffusion;
using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;
using static CondDistill.Tests.Diffusion.VelocityOracles;

namespace CondDistill.Tests.Evaluation;

public sealed class SamplerDiscretisationTests
{
    private static readonly NoiseSchedule Cosine = NoiseSchedule.Cosine();

    [Fact]
    public void WithTheTrueVOfAFixedImageEverySpacingLandsOnTheReference()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        Tensor x = rand([1, 1, 4, 4], generator: generator) * 1.8 - 0.9;
        var points = SamplerDiscretisation.Measure(TrueVOf(x, Cosine), Cosine, [SpacingRule.Trailing, SpacingRule.PowerOf(2), SpacingRule.PowerOf(0.5)],
            steps: 10, referenceSteps: 100, sampleShape: [1, 4, 4], count: 3, batchSize: 2);
        Assert.Equal(["trailing", "power:2", "power:0.5"], points.Select(p => p.Spacing));
        Assert.Equal([99, 10, 316], points.Select(p => p.LastTimestep)); // 1000 / 10 - 1; 999 * 0.1^2; 999 * 0.1^0.5
        Assert.All(points, p => Assert.True(p.RootMeanSquareLevels < 0.05, $"{p.Spacing}: {p.RootMeanSquareLevels} grey levels"));
    }

    [Fact]
    public void WithTheZeroModelTheErrorIsTheClosedFormScaleDifference()
    {
        // v = 0 gives x_hat = alpha z and eps_hat = sigma z, so a DDIM step multiplies z by
        // alpha_next alpha + sigma_next sigma and the output is alpha_last z_last: the sampler returns
        // c * noise with c = alpha(t_last) * prod_j (alpha(t_j+1) alpha(t_j) + sigma(t_j+1) sigma(t_j)).
        using var scope = NewDisposeScope();
        const int count = 5;
        const long seedBase = 42;
        var rule = SpacingRule.PowerOf(2);
        var points = SamplerDiscretisation.Measure(Zero, Cosine, [rule], steps: 6, referenceSteps: 40,
            sampleShape: [1, 3, 3], count: count, seedBase: seedBase, batchSize: 2);

        double Scale(int[] timesteps)
        {
            double c = Cosine.Alpha(timesteps[^1]);
            for (int j = 0; j + 1 < timesteps.Length; j++)
                c *= Cosine.Alpha(timesteps[j + 1]) * Cosine.Alpha(timesteps[j]) + Cosine.Sigma(timesteps[j + 1]) * Cosine.Sigma(timesteps[j]);
            return c;
        }
        Tensor noise = SeededNoise.Normal([1, 3, 3], Enumerable.Range(0, count).Select(i => seedBase + i).ToArray()).to_type(ScalarType.Float64);
        Tensor reference = (noise * Scale(TimestepSpacing.Trailing(40))).clamp(-1, 1);
        Tensor sampled = (noise * Scale(rule.Timesteps(6))).clamp(-1, 1);
        double expectedRms = 127.5 * Math.Sqrt((sampled - reference).pow(2).mean().item<double>());
        double expectedMae = 127.5 * (sampled - reference).abs().mean().item<double>();
        double backgroundShare = reference.le(-0.95).to_type(ScalarType.Float64).mean().item<double>();

        var point = Assert.Single(points);
        Assert.True(expectedRms > 1, $"the closed form should give a visible error, got {expectedRms}");
        Assert.Equal(expectedRms, point.RootMeanSquareLevels, 2);
        Assert.Equal(expectedMae, point.MeanAbsoluteLevels, 2);
        Assert.Equal(backgroundShare, point.BackgroundShare, 10);
    }

    [Fact]
    public void AReferenceWithNoMoreStepsThanTheSamplerIsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SamplerDiscretisation.Measure(Zero, Cosine, [SpacingRule.Trailing],
            steps: 50, referenceSteps: 50, sampleShape: [1, 2, 2], count: 1));
        Assert.Contains("more steps", error.Message);
    }
}
