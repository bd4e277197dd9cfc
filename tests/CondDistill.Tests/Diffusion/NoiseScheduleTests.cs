using CondDistill.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Diffusion;

public sealed class NoiseScheduleTests
{
    public static TheoryData<string> Names => new() { "cosine", "linear", "scaled-linear" };

    [Theory]
    [MemberData(nameof(Names))]
    public void AlphaBarIsStrictlyDecreasingAndAlphaSigmaAreOnTheUnitCircle(string name)
    {
        var schedule = NoiseSchedule.FromName(name);
        Assert.Equal(1000, schedule.NumTimesteps);
        Assert.Equal(name, schedule.Name);
        for (int t = 1; t < schedule.NumTimesteps; t++)
            Assert.True(schedule.AlphaBars[t] < schedule.AlphaBars[t - 1], $"{name}: abar[{t}] = {schedule.AlphaBars[t]} is not below abar[{t - 1}]");
        for (int t = 0; t < schedule.NumTimesteps; t++)
        {
            Assert.Equal(1.0, schedule.Alphas[t] * schedule.Alphas[t] + schedule.Sigmas[t] * schedule.Sigmas[t], 12);
            Assert.Equal(2.0 * Math.Log(schedule.Alphas[t] / schedule.Sigmas[t]), schedule.LogSnrs[t], 9);
        }
    }

    [Fact]
    public void CosineMatchesTheClosedFormAndPythonGoldens()
    {
        var schedule = NoiseSchedule.Cosine();
        // abar_0 = f(1/T)/f(0) with f(u) = cos((u + 0.008)/1.008 * pi/2)^2 (no clipping there).
        static double F(double u) => Math.Pow(Math.Cos((u + 0.008) / 1.008 * Math.PI / 2), 2);
        Assert.Equal(F(0.001) / F(0.0), schedule.AlphaBar(0), 14);
        // The last beta is clipped at 0.999: abar_999 = 0.001 * abar_998, about 2.43e-9 (alpha 4.9e-5).
        Assert.Equal(1.0, schedule.AlphaBar(999) / (0.001 * schedule.AlphaBar(998)), 12);
        Assert.InRange(schedule.Alpha(999), 4.9e-5, 4.95e-5);
        Assert.InRange(schedule.LogSnr(999), -19.9, -19.8);
        AssertGolden(schedule, DiffusionGoldenValues.CosineAlphaBar);
    }

    [Fact]
    public void LinearMatchesAHandComputationAndPythonGoldens()
    {
        var schedule = NoiseSchedule.Linear();
        double beta1 = 1e-4 + (0.02 - 1e-4) / 999.0;
        Assert.Equal(1 - 1e-4, schedule.AlphaBar(0), 15);
        Assert.Equal((1 - 1e-4) * (1 - beta1), schedule.AlphaBar(1), 15);
        AssertGolden(schedule, DiffusionGoldenValues.LinearAlphaBar);
    }

    [Fact]
    public void ScaledLinearMatchesAHandComputationAndPythonGoldens()
    {
        var schedule = NoiseSchedule.ScaledLinear();
        Assert.Equal(1 - 0.00085, schedule.AlphaBar(0), 15);
        Assert.InRange(schedule.AlphaBar(999), 0.0046, 0.0047); // signal left at T-1: meant for latents
        AssertGolden(schedule, DiffusionGoldenValues.ScaledLinearAlphaBar);
    }

    [Fact]
    public void UnknownNameListsTheAllowedNames()
    {
        var error = Assert.Throws<ArgumentException>(() => NoiseSchedule.FromName("sigmoid"));
        Assert.Contains("'cosine', 'linear', 'scaled-linear'", error.Message);
        Assert.Equal("scaled-linear", NoiseSchedule.FromName(" Scaled-Linear ").Name);
    }

    [Fact]
    public void GatherShapesForBroadcastingAndMatchesTheArrays()
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Cosine();
        var (alpha, sigma) = schedule.Gather(tensor(new long[] { 0, 500, 999 }));
        Assert.Equal(new long[] { 3, 1, 1, 1 }, alpha.shape);
        Assert.Equal(ScalarType.Float32, alpha.dtype);
        Assert.Equal((float)schedule.Alpha(500), alpha[1, 0, 0, 0].item<float>());
        Assert.Equal((float)schedule.Sigma(999), sigma[2, 0, 0, 0].item<float>());
        var (alpha2, _) = schedule.Gather(tensor(new long[] { 7 }), rank: 2, dtype: ScalarType.Float64);
        Assert.Equal(new long[] { 1, 1 }, alpha2.shape);
        Assert.Equal(schedule.Alpha(7), alpha2[0, 0].item<double>());
        Assert.Equal((float)schedule.LogSnr(3), schedule.LogSnrsTensor()[3].item<float>());
        Assert.Equal(schedule.AlphaBar(3), schedule.AlphaBarsTensor(dtype: ScalarType.Float64)[3].item<double>());
    }

    [Fact]
    public void GatherRejectsOutOfRangeAndWrongTypes()
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Linear();
        Assert.Contains("0..999", Assert.Throws<ArgumentException>(() => schedule.Gather(tensor(new long[] { 1000 }))).Message);
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => schedule.Gather(tensor(new float[] { 3 }))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Alpha(-1));
    }

    private static void AssertGolden(NoiseSchedule schedule, double[] golden)
    {
        int[] probes = DiffusionGoldenValues.ScheduleProbeTimesteps;
        for (int i = 0; i < probes.Length; i++)
        {
            double actual = schedule.AlphaBar(probes[i]);
            Assert.True(Math.Abs(actual - golden[i]) <= 1e-10 * golden[i], // relative: abar spans 1 .. 2e-9
                $"{schedule.Name} abar[{probes[i]}] = {actual:R}, golden {golden[i]:R}");
        }
    }
}
