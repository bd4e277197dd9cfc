using CondDistill.Diffusion;
using CondDistill.Models;
using CondDistill.Tests.Diffusion;
using CondDistill.Tests.Models;
using CondDistill.Training.Baselines;
using TorchSharp;
using static TorchSharp.torch;
using static CondDistill.Tests.Training.Baselines.BaselineTestKit;

namespace CondDistill.Tests.Training.Baselines;

public sealed class ConsistencyDistillationTests
{
    private static readonly NoiseSchedule Schedule = NoiseSchedule.Cosine();

    private static (Tensor X, Tensor Eps) SmallDraw(ulong seed, int batch, ScalarType dtype = ScalarType.Float32)
    {
        using var generator = new Generator(seed);
        var x = (rand(new long[] { batch, 1, 4, 4 }, generator: generator) * 2 - 1).to_type(dtype);
        var eps = randn(new long[] { batch, 1, 4, 4 }, generator: generator).to_type(dtype);
        return (x, eps);
    }

    [Fact]
    public void TheOracleTeachersDdimStepLandsOnTheForwardDiffusedPoint()
    {
        using var scope = NewDisposeScope();
        var (x, eps) = SmallDraw(51, batch: 4);
        var t = tensor(new long[] { 980, 500, 40, 20 });
        var s = t - 20;
        var (alphaT, sigmaT) = Schedule.Gather(t);
        var (alphaS, sigmaS) = Schedule.Gather(s);
        var zT = Parameterization.Diffuse(x, eps, alphaT, sigmaT);

        var zS = ConsistencyDistillationObjective.TeacherStep(VelocityOracles.TrueVOf(x, Schedule), Schedule, zT, t, s);

        var expected = Parameterization.Diffuse(x, eps, alphaS, sigmaS);
        double error = MaxAbs(zS, expected);
        Assert.True(error < 1e-5, $"max |z_s - (alpha_s x + sigma_s eps)| = {error}");
        Assert.False(zS.requires_grad);
    }

    [Fact]
    public void BoundaryScalingPinsZAtTimeZeroAndIsAlmostIdentityOnTheGrid()
    {
        using var scope = NewDisposeScope();
        // c_skip(0) = 1, c_out(0) = 0 in both conventions.
        foreach (var convention in new[] { BoundaryScalingConvention.ReleasedCode, BoundaryScalingConvention.NormalizedTime })
            Assert.Equal((1.0, 0.0), ConsistencyBoundaryScaling.ForTimestep(0, 1000, convention));
        // The default (released code): t' = 10 t, so at the first grid point t = 20 (N = 50)
        // c_skip = 0.25 / 40000.25 and c_out = 200 / sqrt(40000.25) (Python: 6.24996094e-06, 0.99999687501).
        var (skip, output) = ConsistencyBoundaryScaling.ForTimestep(20, 1000, BoundaryScalingConvention.ReleasedCode);
        Assert.Equal(6.249960937744139e-06, skip, 1e-15);
        Assert.Equal(0.9999968750146484, output, 1e-13);
        // NormalizedTime would scale x_hat by about 0.5 at large t (the "c_out ~ 0.5" of method.md 6.6).
        Assert.Equal(0.49935049724472735, ConsistencyBoundaryScaling.ForTimestep(980, 1000, BoundaryScalingConvention.NormalizedTime).COut, 1e-12);

        var (z, v) = SmallDraw(52, batch: 2);
        var tZero = zeros(new long[] { 2 }, ScalarType.Int64);
        var f = ConsistencyDistillationObjective.ConsistencyFunction(z, v, tZero, Schedule, BoundaryScalingConvention.ReleasedCode);
        Assert.True(Same(f, z));

        var t = tensor(new long[] { 20, 980 });
        var (alpha, sigma) = Schedule.Gather(t);
        var xHat = Parameterization.XFromV(z, v, alpha, sigma);
        var scaled = ConsistencyDistillationObjective.ConsistencyFunction(z, v, t, Schedule, BoundaryScalingConvention.ReleasedCode);
        Assert.True(MaxAbs(scaled, xHat) < 3e-5);
        var unscaled = ConsistencyDistillationObjective.ConsistencyFunction(z, v, t, Schedule, boundaryScaling: null);
        Assert.True(Same(unscaled, xHat));
    }

    [Fact]
    public void WithOraclesTheLossIsZeroWithoutScalingAndPinnedToZ0AtTheBoundary()
    {
        using var scope = NewDisposeScope();
        var (x, eps) = SmallDraw(53, batch: 2, ScalarType.Float64);
        var oracle = VelocityOracles.TrueVOf(x, Schedule);

        var t = tensor(new long[] { 980, 40 });
        var (loss, _) = ConsistencyDistillationObjective.Loss(oracle, oracle, oracle, Schedule, null, x, t, t - 20, eps);
        Assert.True(loss.item<double>() < 1e-24, $"loss {loss.item<double>()}");

        // At t = 20 -> s = 0 with boundary scaling the target is f(z_0, 0) = z_0 = alpha_0 x + sigma_0 eps,
        // while the (oracle) student gives c_skip(20) z_20 + c_out(20) x.
        var t20 = tensor(new long[] { 20, 20 });
        var (pinned, zS) = ConsistencyDistillationObjective.Loss(oracle, oracle, oracle, Schedule, BoundaryScalingConvention.ReleasedCode, x, t20, t20 - 20, eps);
        double alpha0 = Schedule.Alpha(0), sigma0 = Schedule.Sigma(0), alpha20 = Schedule.Alpha(20), sigma20 = Schedule.Sigma(20);
        // Released-code scaling at t = 20 (t' = 200, sigma_data = 0.5), in closed form: c_skip = 0.25 / (200^2 + 0.25), c_out = 200 / sqrt(200^2 + 0.25).
        double cSkip = 0.25 / 40000.25, cOut = 200 / Math.Sqrt(40000.25);
        var z0 = alpha0 * x + sigma0 * eps;
        var expected = (cSkip * (alpha20 * x + sigma20 * eps) + cOut * x - z0).square().mean().item<double>();
        Assert.True(MaxAbs(zS, z0) < 1e-12);
        Assert.Equal(expected, pinned.item<double>(), 1e-12);
        Assert.True(expected > 1e-6); // sigma_0 = 0.0064: a real, non-zero anchor
    }

    [Fact]
    public void TheSamplingModelsXEstimateIsTheConsistencyFunction()
    {
        using var scope = NewDisposeScope();
        var (z, _) = SmallDraw(54, batch: 3);
        VelocityModel model = (zz, _) => 0.3 * zz + 0.1;
        var t = tensor(new long[] { 0, 20, 980 });
        var wrapped = ConsistencyDistillationObjective.AsVelocityModel(model, Schedule, BoundaryScalingConvention.ReleasedCode);
        var (alpha, sigma) = Schedule.Gather(t);
        var xFromWrapped = Parameterization.XFromV(z, wrapped(z, t), alpha, sigma);
        var f = ConsistencyDistillationObjective.ConsistencyFunction(model, z, t, Schedule, BoundaryScalingConvention.ReleasedCode);
        Assert.True(MaxAbs(xFromWrapped, f) < 1e-6);
        Assert.True(MaxAbs(xFromWrapped[0], z[0]) < 1e-6); // t = 0: the sampler outputs z itself
        Assert.Same(model, ConsistencyDistillationObjective.AsVelocityModel(model, Schedule, null));
    }

    private static IConditionalDenoiser FineTuned(UNet teacher, FineTuneVariant variant)
    {
        using var method = new FineTuneMethod(teacher, new FineTuneConfig(variant, 1), Schedule, new Generator(4));
        return ConditionalDenoiserCopies.Copy(method.Student);
    }

    [Fact]
    public void TheEmaTargetGetsNoGradientsAndFollowsTheEmaShadows()
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(55);
        var fineTuned = FineTuned(teacher, FineTuneVariant.ControlNetFull);
        var sourceBefore = Snapshot(fineTuned.Module);
        using var method = new ConsistencyDistillationMethod(fineTuned, new ConsistencyDistillationConfig(EmaDecay: 0.5), Schedule);
        var (x, c) = Batch(56);
        var (z, t) = NoisyInput(57);
        Assert.True(Same(method.Target.Forward(z, t, c), method.Student.Forward(z, t, c)));
        Assert.Equal("cm-ii", method.Name);
        Assert.Equal(["consistency-N50-4", "consistency-N50-1"], method.ValidationSamplers.Select(s => s.Name));

        var terms = method.Loss(x, c, new Generator(58));
        terms.Total.backward();
        Assert.Equal(["consistency"], terms.Terms.Select(p => p.Key));
        Assert.All(method.Target.Module.parameters(), p => { Assert.False(p.requires_grad); Assert.Null(p.grad); });
        Assert.All(method.Teacher.Module.parameters(), p => { Assert.False(p.requires_grad); Assert.Null(p.grad); });
        Assert.Contains(method.TrainableParameters, p => p.Parameter.grad is not null && p.Parameter.grad.abs().sum().item<float>() > 0);

        Train(method, x, c, steps: 2);
        var target = method.Target.Module.state_dict();
        Assert.All(method.TrainableParameters, p => Assert.True(Same(target[p.Name], method.Ema.Shadows[p.Name]), p.Name));
        Assert.NotEmpty(Changed(method.Target.Module, Snapshot(method.Student.Module)));
        Assert.Empty(Changed(fineTuned.Module, sourceBefore));
        Assert.Empty(Changed(method.Teacher.Module, sourceBefore));
        fineTuned.Module.Dispose();
    }

    [Fact]
    public void TheFrozenVariantKeepsTheBackboneBitIdentical()
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(59);
        var fineTuned = FineTuned(teacher, FineTuneVariant.ControlNetFrozenBackbone);
        using var method = new ConsistencyDistillationMethod(fineTuned, new ConsistencyDistillationConfig(Scope: TrainableScope.AdapterOnly), Schedule);
        Assert.Equal("cm-ii-frozen", method.Name);
        Assert.All(method.TrainableParameters, p => Assert.StartsWith("adapter.", p.Name));
        var before = Snapshot(method.Student.Module);
        var (x, c) = Batch(60);
        Train(method, x, c, steps: 3);
        static bool Backbone(string name) => name.StartsWith("backbone.", StringComparison.Ordinal);
        Assert.Empty(Changed(method.Student.Module, before, Backbone));
        Assert.NotEmpty(Changed(method.Student.Module, before, n => !Backbone(n)));
        // The target's backbone is the same frozen copy.
        Assert.Empty(Changed(method.Target.Module, before, Backbone));
        fineTuned.Module.Dispose();
    }

    [Fact]
    public void AdapterOnlyNeedsAControlNetStudent()
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(61);
        var concat = FineTuned(teacher, FineTuneVariant.Concat);
        var error = Assert.Throws<ArgumentException>(() =>
            new ConsistencyDistillationMethod(concat, new ConsistencyDistillationConfig(Scope: TrainableScope.AdapterOnly), Schedule));
        Assert.Contains("concat-conditioned-unet", error.Message);
        concat.Module.Dispose();
    }

    [Fact]
    public void DrawsFollowTheGridAndTheSharingOption()
    {
        using var scope = NewDisposeScope();
        var x = zeros(6, 1, 4, 4);
        var grid = new TimestepGrid(50);
        var (t, s, _) = ConsistencyDistillationObjective.Draw(x, grid, sharedAcrossBatch: true, new Generator(62));
        long[] ts = t.data<long>().ToArray();
        Assert.All(ts, v => Assert.Equal(ts[0], v));
        Assert.True(ts[0] % 20 == 0 && ts[0] >= 20 && ts[0] <= 980);
        Assert.True(Same(s, t - 20));
        var (perSample, _, _) = ConsistencyDistillationObjective.Draw(zeros(64, 1, 1, 1), grid, sharedAcrossBatch: false, new Generator(63));
        Assert.True(perSample.unique().Item1.numel() > 1);
    }
}
