using CondDistill.Diffusion;
using CondDistill.Evaluation;
using static CondDistill.Tests.Diffusion.VelocityOracles;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class DenoisingProbeTests
{
    private static readonly NoiseSchedule Schedule = NoiseSchedule.Cosine();

    private static Tensor CleanImages()
    {
        using var generator = new TorchSharp.torch.Generator(7);
        return rand([6, 1, 8, 8], generator: generator) * 2 - 1;
    }

    [Fact]
    public void TheTrueVelocityRemovesAllTheNoise()
    {
        using var scope = NewDisposeScope();
        var x = CleanImages();
        var points = DenoisingProbe.Measure(TrueVOf(x, Schedule), Schedule, x, [20, 200, 720]);

        Assert.Equal([20, 200, 720], points.Select(p => p.Timestep));
        foreach (var p in points)
        {
            Assert.True(p.XMse < 1e-9, $"t={p.Timestep}: x MSE {p.XMse}");
            Assert.True(p.EpsMse < 1e-8, $"t={p.Timestep}: eps MSE {p.EpsMse}");
            Assert.Equal(1.0, p.EpsSlope, 4);
            Assert.Equal(Schedule.Sigma(p.Timestep), p.Sigma, 12);
        }
    }

    [Fact]
    public void AModelThatPredictsNoNoiseHasSlopeZeroAndLeavesTheNoiseInXHat()
    {
        // v = -sigma z / alpha gives eps_hat = alpha v + sigma z = 0 and x_hat = z / alpha = x + (sigma / alpha) eps.
        using var scope = NewDisposeScope();
        var x = CleanImages();
        VelocityModel noNoise = (z, t) =>
        {
            var (alpha, sigma) = Schedule.Gather(t, 4, z.dtype);
            return -sigma * z / alpha;
        };
        var p = DenoisingProbe.Measure(noNoise, Schedule, x, [200]).Single();

        Assert.Equal(0.0, p.EpsSlope, 5);
        Assert.Equal(0.0, p.EpsHatRms, 5);
        double ratio = Schedule.Sigma(200) / Schedule.Alpha(200);
        // x MSE = (sigma / alpha)^2 mean(eps^2), and eps MSE = mean(eps^2): their ratio is exact whatever the draw.
        Assert.Equal(ratio * ratio, p.XMse / p.EpsMse, 4);
    }

    [Fact]
    public void TheNoiseIsSeededSoRepeatedMeasurementsAreIdentical()
    {
        using var scope = NewDisposeScope();
        var x = CleanImages();
        var whole = DenoisingProbe.Measure(Zero, Schedule, x, [460]).Single();
        var again = DenoisingProbe.Measure(Zero, Schedule, x, [460]).Single();
        Assert.Equal(whole, again);
        Assert.Equal(3_000_007L, DenoisingProbe.NoiseSeed(5, 3, 2));
    }

    [Fact]
    public void TimestepsOutsideTheScheduleAreRejectedWithTheRange()
    {
        using var scope = NewDisposeScope();
        var x = CleanImages();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DenoisingProbe.Measure(Zero, Schedule, x, [1000]));
        Assert.Contains("0..999", error.Message);
    }
}
