using CondDistill.Diffusion;
using TorchSharp;
using static TorchSharp.torch;
using static CondDistill.Tests.Diffusion.VelocityOracles;

namespace CondDistill.Tests.Diffusion;

public sealed class ParameterizationTests
{
    private static readonly long[] Timesteps = [0, 1, 20, 250, 500, 777, 980, 999];

    private static (Tensor X, Tensor Eps, Tensor T) RandomBatch(int seed)
    {
        using var generator = new Generator((ulong)seed);
        Tensor x = rand([Timesteps.Length, 2, 3, 3], generator: generator) * 2 - 1;
        Tensor eps = randn([Timesteps.Length, 2, 3, 3], generator: generator);
        return (x, eps, tensor(Timesteps));
    }

    [Theory]
    [InlineData("cosine")]
    [InlineData("linear")]
    [InlineData("scaled-linear")]
    public void XHatAndEpsHatFromTheTrueVAreExact(string name)
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.FromName(name);
        var (x, eps, t) = RandomBatch(1);
        var (alpha, sigma) = schedule.Gather(t);
        Tensor z = Parameterization.Diffuse(x, eps, alpha, sigma);
        Tensor v = Parameterization.VFromXEps(x, eps, alpha, sigma);
        Assert.True(MaxAbsDifference(Parameterization.XFromV(z, v, alpha, sigma), x) < 2e-6);
        Assert.True(MaxAbsDifference(Parameterization.EpsFromV(z, v, alpha, sigma), eps) < 2e-6);
    }

    [Fact]
    public void InverseConversionsAgreeWithTheForwardProcess()
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Cosine();
        var (x, eps, _) = RandomBatch(2);
        // Mid-range t so neither alpha nor sigma is tiny (division by them is the point of the test).
        var (alpha, sigma) = schedule.Gather(tensor(new long[] { 50, 100, 200, 300, 400, 500, 600, 700 }));
        Tensor z = Parameterization.Diffuse(x, eps, alpha, sigma);
        Tensor v = Parameterization.VFromXEps(x, eps, alpha, sigma);
        Assert.True(MaxAbsDifference(Parameterization.EpsFromZX(z, x, alpha, sigma), eps) < 1e-5);
        Assert.True(MaxAbsDifference(Parameterization.XFromZEps(z, eps, alpha, sigma), x) < 1e-5);
        Assert.True(MaxAbsDifference(Parameterization.VFromZX(z, x, alpha, sigma), v) < 1e-5);
    }

    [Fact]
    public void ScalarHandComputation()
    {
        using var scope = NewDisposeScope();
        // alpha = 0.6, sigma = 0.8, x = 0.5, eps = -1: z = 0.3 - 0.8 = -0.5, v = -0.6 - 0.4 = -1.0.
        Tensor alpha = tensor(0.6), sigma = tensor(0.8), x = tensor(0.5), eps = tensor(-1.0);
        Assert.Equal(-0.5, Parameterization.Diffuse(x, eps, alpha, sigma).item<double>(), 12);
        Assert.Equal(-1.0, Parameterization.VFromXEps(x, eps, alpha, sigma).item<double>(), 12);
        Assert.Equal(0.5, Parameterization.XFromV(tensor(-0.5), tensor(-1.0), alpha, sigma).item<double>(), 12);
        Assert.Equal(-1.0, Parameterization.EpsFromV(tensor(-0.5), tensor(-1.0), alpha, sigma).item<double>(), 12);
    }

    [Fact]
    public void DdimStepWithTheTrueEstimatesLandsOnTheForwardDiffusedPoint()
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Cosine();
        var (x, eps, t) = RandomBatch(3);
        Tensor s = (t - 20).clamp_min(0);
        var (alphaT, sigmaT) = schedule.Gather(t);
        var (alphaS, sigmaS) = schedule.Gather(s);
        Tensor zT = Parameterization.Diffuse(x, eps, alphaT, sigmaT);
        Tensor v = Parameterization.VFromXEps(x, eps, alphaT, sigmaT);
        Tensor xHat = Parameterization.XFromV(zT, v, alphaT, sigmaT);
        Tensor epsHat = Parameterization.EpsFromV(zT, v, alphaT, sigmaT);
        Tensor expected = Parameterization.Diffuse(x, eps, alphaS, sigmaS);
        Assert.True(MaxAbsDifference(SolverSteps.Ddim(xHat, epsHat, alphaS, sigmaS), expected) < 3e-6);
    }

    [Fact]
    public void PrevWithThePerfectXHatIsTheForwardDiffusedPointExactly()
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Cosine();
        var (x, eps, t) = RandomBatch(4);
        var (alphaS, sigmaS) = schedule.Gather((t - 20).clamp_min(0));
        Tensor expected = Parameterization.Diffuse(x, eps, alphaS, sigmaS);
        Assert.Equal(0.0, MaxAbsDifference(SolverSteps.PrevNextPoint(x, eps, alphaS, sigmaS), expected));
        // With an imperfect x_hat PREv and DDIM differ: PREv keeps the original noise.
        Tensor zT = Parameterization.Diffuse(x, eps, schedule.Gather(t).Alpha, schedule.Gather(t).Sigma);
        var (alphaT, sigmaT) = schedule.Gather(t);
        Tensor wrongXHat = x + 0.1;
        Tensor impliedEps = Parameterization.EpsFromZX(zT, wrongXHat, alphaT, sigmaT);
        Tensor ddim = SolverSteps.Ddim(wrongXHat, impliedEps, alphaS, sigmaS);
        Tensor prev = SolverSteps.PrevNextPoint(wrongXHat, eps, alphaS, sigmaS);
        Assert.True(MaxAbsDifference(ddim, prev) > 1e-3);
    }

    [Fact]
    public void DpmSolverFirstOrderEqualsDdim()
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Cosine();
        using var generator = new Generator(5);
        Tensor z = randn([2, 1, 4, 4], generator: generator);
        Tensor xHat = randn([2, 1, 4, 4], generator: generator).tanh();
        var (alphaT, sigmaT) = schedule.Gather(tensor(new long[] { 700, 700 }));
        var (alphaS, sigmaS) = schedule.Gather(tensor(new long[] { 400, 400 }));
        Tensor epsHat = Parameterization.EpsFromZX(z, xHat, alphaT, sigmaT);
        Tensor ddim = SolverSteps.Ddim(xHat, epsHat, alphaS, sigmaS);
        Tensor dpm = SolverSteps.DpmSolverPlusPlusFirstOrder(z, xHat, schedule, 700, 400);
        Assert.True(MaxAbsDifference(ddim, dpm) < 1e-5);
    }

    [Fact]
    public void DpmSolverSecondOrderWithEqualPredictionsReducesToFirstOrder()
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Linear();
        using var generator = new Generator(6);
        Tensor z = randn([1, 1, 3, 3], generator: generator);
        Tensor xHat = randn([1, 1, 3, 3], generator: generator);
        Tensor first = SolverSteps.DpmSolverPlusPlusFirstOrder(z, xHat, schedule, 600, 300);
        Tensor second = SolverSteps.DpmSolverPlusPlusSecondOrder(z, xHat, xHat, schedule, 900, 600, 300);
        Assert.True(MaxAbsDifference(first, second) < 1e-6);
    }
}
