using CondDistill.Diffusion;
using TorchSharp;
using static TorchSharp.torch;
using static CondDistill.Tests.Diffusion.VelocityOracles;

namespace CondDistill.Tests.Diffusion;

public sealed class DiffusionSamplersTests
{
    private static readonly NoiseSchedule Cosine = NoiseSchedule.Cosine();

    private static Tensor FixedImages()
    {
        using var generator = new Generator(99);
        return (rand([3, 1, 6, 6], generator: generator) * 2 - 1);
    }

    [Theory]
    [MemberData(nameof(TimestepGridTests.Table), MemberType = typeof(TimestepGridTests))]
    public void GridSamplerVisitsTheGridPoints(int teacherSteps, int steps, int[] expected)
    {
        using var scope = NewDisposeScope();
        var calls = new List<long>();
        var result = DiffusionSamplers.Grid(Recording(Zero, calls), Cosine, zeros(2, 1, 4, 4), new TimestepGrid(teacherSteps), steps);
        Assert.Equal(expected.Select(t => (long)t), calls);
        Assert.Equal(expected.Length, result.NetworkEvaluations);
        Assert.Equal(expected, result.Timesteps);
    }

    [Fact]
    public void DdimTrailingVisitsTheTrailingTimesteps()
    {
        using var scope = NewDisposeScope();
        var calls = new List<long>();
        var result = DiffusionSamplers.DdimTrailing(Recording(Zero, calls), Cosine, zeros(1, 1, 2, 2), 4);
        Assert.Equal(new long[] { 999, 749, 499, 249 }, calls);
        Assert.Equal(4, result.NetworkEvaluations);
    }

    [Fact]
    public void ManyStepDdimWithTheTrueVRecoversX()
    {
        using var scope = NewDisposeScope();
        Tensor x = FixedImages();
        Tensor noise = SeededNoise.Normal([1, 6, 6], [1, 2, 3]);
        var result = DiffusionSamplers.DdimTrailing(TrueVOf(x, Cosine), Cosine, noise, 50);
        Assert.Equal(50, result.NetworkEvaluations);
        Assert.True(MaxAbsDifference(result.Samples, x) < 1e-4);
    }

    [Fact]
    public void GridSamplerWithTheTrueVRecoversX()
    {
        using var scope = NewDisposeScope();
        Tensor x = FixedImages();
        Tensor noise = SeededNoise.Normal([1, 6, 6], [4, 5, 6]);
        var result = DiffusionSamplers.Grid(TrueVOf(x, Cosine), Cosine, noise, new TimestepGrid(50), 4);
        Assert.True(MaxAbsDifference(result.Samples, x) < 1e-4);
    }

    [Fact]
    public void ConsistencyMultistepWithTheTrueVRecoversX()
    {
        using var scope = NewDisposeScope();
        Tensor x = FixedImages();
        long[] seeds = [7, 8, 9];
        var result = DiffusionSamplers.ConsistencyMultistep(TrueVOf(x, Cosine), Cosine, SeededNoise.Normal([1, 6, 6], seeds), seeds, TimestepGrid.SamplingTimesteps(50, 4));
        Assert.Equal(4, result.NetworkEvaluations);
        Assert.True(MaxAbsDifference(result.Samples, x) < 1e-4);
    }

    [Fact]
    public void DpmSolverPlusPlusWithTheTrueVRecoversX()
    {
        using var scope = NewDisposeScope();
        Tensor x = FixedImages();
        Tensor noise = SeededNoise.Normal([1, 6, 6], [10, 11, 12]);
        var result = DiffusionSamplers.DpmSolverPlusPlus2MTrailing(TrueVOf(x, Cosine), Cosine, noise, 4);
        Assert.Equal(4, result.NetworkEvaluations);
        Assert.True(MaxAbsDifference(result.Samples, x) < 1e-4);
    }

    [Fact]
    public void GaussianDataGoldensFromTheIndependentImplementation()
    {
        using var scope = NewDisposeScope();
        Tensor mu = FromDoubles(DiffusionGoldenValues.GaussianMean, 2, 1, 2, 3);
        Tensor noise = FromDoubles(DiffusionGoldenValues.GaussianNoise, 2, 1, 2, 3);
        VelocityModel model = GaussianData(mu, 0.5, Cosine);
        int[] trailing = [999, 749, 499, 249];
        Tensor ddim = DiffusionSamplers.Ddim(model, Cosine, noise, trailing).Samples;
        Tensor dpm = DiffusionSamplers.DpmSolverPlusPlus2M(model, Cosine, noise, trailing).Samples;
        Tensor grid = DiffusionSamplers.Grid(model, Cosine, noise, new TimestepGrid(50), 4).Samples;
        Assert.True(MaxAbsDifference(ddim, DiffusionGoldenValues.DdimTrailing4) < 1e-5);
        Assert.True(MaxAbsDifference(dpm, DiffusionGoldenValues.DpmSolverPlusPlus2MTrailing4) < 1e-5);
        Assert.True(MaxAbsDifference(grid, DiffusionGoldenValues.DdimGrid50Steps4) < 1e-5);
        // The second-order solver is closer to the exact probability-flow ODE solution than DDIM (0.045 vs 0.074).
        double ddimError = MaxAbsDifference(ddim, DiffusionGoldenValues.ExactXHatTrailing4);
        double dpmError = MaxAbsDifference(dpm, DiffusionGoldenValues.ExactXHatTrailing4);
        Assert.True(dpmError < 0.7 * ddimError, $"DPM-Solver++(2M) error {dpmError} vs DDIM {ddimError}");
    }

    [Fact]
    public void ConsistencyMultistepGoldenWithPerSampleFreshNoise()
    {
        using var scope = NewDisposeScope();
        Tensor mu = FromDoubles(DiffusionGoldenValues.GaussianMean, 2, 1, 2, 3);
        long[] seeds = [5, 11];
        var result = DiffusionSamplers.ConsistencyMultistep(GaussianData(mu, 0.5, Cosine), Cosine,
            SeededNoise.Normal([1, 2, 3], seeds), seeds, TimestepGrid.SamplingTimesteps(50, 4));
        Assert.True(MaxAbsDifference(result.Samples, DiffusionGoldenValues.ConsistencyMultistepGrid50Steps4Seeds5And11) < 1e-5);
    }

    [Fact]
    public void ManyStepDdimConvergesToTheExactOdeSolution()
    {
        using var scope = NewDisposeScope();
        Tensor mu = FromDoubles(DiffusionGoldenValues.GaussianMean, 2, 1, 2, 3);
        Tensor noise = FromDoubles(DiffusionGoldenValues.GaussianNoise, 2, 1, 2, 3);
        // 999 -> 249 in 750 unit steps; the exact answer at 249 is the golden ExactXHatTrailing4.
        int[] everyStep = Enumerable.Range(249, 751).Reverse().ToArray();
        var result = DiffusionSamplers.Ddim(GaussianData(mu, 0.5, Cosine), Cosine, noise, everyStep);
        Assert.Equal(751, result.NetworkEvaluations);
        Assert.True(MaxAbsDifference(result.Samples, DiffusionGoldenValues.ExactXHatTrailing4) < 2e-3);
    }

    [Fact]
    public void PerSampleSeedingMakesASampleIndependentOfTheBatch()
    {
        using var scope = NewDisposeScope();
        Tensor mu = full(1, 1, 4, 4, 0.2f);
        VelocityModel model = GaussianData(mu, 0.5, Cosine);
        long[] seeds = [100, 101, 102, 555, 104, 105, 106, 107];
        int[] timesteps = TimestepGrid.SamplingTimesteps(50, 4);
        Tensor batch = DiffusionSamplers.ConsistencyMultistep(model, Cosine, SeededNoise.Normal([1, 4, 4], seeds), seeds, timesteps).Samples;
        Tensor single = DiffusionSamplers.ConsistencyMultistep(model, Cosine, SeededNoise.Normal([1, 4, 4], [555]), [555], timesteps).Samples;
        Assert.True(MaxAbsDifference(batch[3], single[0]) < 1e-6);
        Tensor ddimBatch = DiffusionSamplers.DdimTrailing(model, Cosine, SeededNoise.Normal([1, 4, 4], seeds), 8).Samples;
        Tensor ddimSingle = DiffusionSamplers.DdimTrailing(model, Cosine, SeededNoise.Normal([1, 4, 4], [555]), 8).Samples;
        Assert.True(MaxAbsDifference(ddimBatch[3], ddimSingle[0]) < 1e-6);
    }

    [Fact]
    public void ConsistencyMultistepInjectsFreshNoiseButDdimDoesNot()
    {
        using var scope = NewDisposeScope();
        // With v = 0 the model's x_hat is alpha z: DDIM keeps following the start noise, CM re-draws it.
        Tensor noise = SeededNoise.Normal([1, 3, 3], [1]);
        int[] timesteps = [980, 500];
        Tensor cm = DiffusionSamplers.ConsistencyMultistep(Zero, Cosine, noise, [1], timesteps).Samples;
        Tensor fresh = SeededNoise.Normal([1, 3, 3], [1], stream: 1);
        double a980 = Cosine.Alpha(980), a500 = Cosine.Alpha(500), s500 = Cosine.Sigma(500);
        Tensor expected = a500 * (a500 * a980 * noise + s500 * fresh);
        Assert.True(MaxAbsDifference(cm, expected) < 1e-6);
    }

    [Fact]
    public void ClampIsOptionalAndOutputIsUnclampedByDefault()
    {
        using var scope = NewDisposeScope();
        Tensor x = full(1, 1, 2, 2, 1.5f);
        Tensor noise = SeededNoise.Normal([1, 2, 2], [3]);
        Assert.Equal(1.5, DiffusionSamplers.DdimTrailing(TrueVOf(x, Cosine), Cosine, noise, 2).Samples.max().item<float>(), 4);
        Assert.Equal(1.0f, DiffusionSamplers.DdimTrailing(TrueVOf(x, Cosine), Cosine, noise, 2, clampOutput: true).Samples.max().item<float>());
    }

    [Fact]
    public void InvalidInputsAreRejectedClearly()
    {
        using var scope = NewDisposeScope();
        Tensor noise = zeros(2, 1, 2, 2);
        Assert.Contains("strictly decreasing", Assert.Throws<ArgumentException>(() => DiffusionSamplers.Ddim(Zero, Cosine, noise, [500, 700])).Message);
        Assert.Contains("one seed per sample", Assert.Throws<ArgumentException>(() => DiffusionSamplers.ConsistencyMultistep(Zero, Cosine, noise, [1], [500])).Message);
        Assert.Contains("shape", Assert.Throws<InvalidOperationException>(() => DiffusionSamplers.Ddim((z, _) => zeros(1), Cosine, noise, [500])).Message);
    }

    [Fact]
    public void LiveTensorCountStaysFlatAcrossSteps()
    {
        using var scope = NewDisposeScope();
        Tensor x = FixedImages();
        Tensor noise = SeededNoise.Normal([1, 6, 6], [1, 2, 3]);
        VelocityModel inner = TrueVOf(x, Cosine);
        foreach (var run in new Func<VelocityModel, SamplerResult>[]
        {
            model => DiffusionSamplers.DdimTrailing(model, Cosine, noise, 12),
            model => DiffusionSamplers.DpmSolverPlusPlus2MTrailing(model, Cosine, noise, 12),
            model => DiffusionSamplers.ConsistencyMultistep(model, Cosine, noise, [1, 2, 3], TimestepSpacing.Trailing(12)),
        })
        {
            var liveAtCall = new List<long>();
            run((z, t) => { liveAtCall.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount); return inner(z, t); });
            Assert.Equal(liveAtCall[2], liveAtCall[^1]); // one running z (and one previous x_hat), not one per step
        }
    }

    [Fact]
    public void SamplersDoNotLeakTensors()
    {
        Tensor x = FixedImages();
        Tensor noise = SeededNoise.Normal([1, 6, 6], [1, 2, 3]);
        VelocityModel model = TrueVOf(x, Cosine);
        // Warm up, then count live tensors around a full run inside the caller's scope.
        using (NewDisposeScope()) DiffusionSamplers.DpmSolverPlusPlus2MTrailing(model, Cosine, noise, 4);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (NewDisposeScope())
        {
            DiffusionSamplers.DdimTrailing(model, Cosine, noise, 20);
            DiffusionSamplers.DpmSolverPlusPlus2MTrailing(model, Cosine, noise, 6);
            DiffusionSamplers.ConsistencyMultistep(model, Cosine, noise, [1, 2, 3], TimestepGrid.SamplingTimesteps(50, 4));
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
