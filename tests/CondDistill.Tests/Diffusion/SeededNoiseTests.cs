using CondDistill.Diffusion;
using static TorchSharp.torch;
using static CondDistill.Tests.Diffusion.VelocityOracles;

namespace CondDistill.Tests.Diffusion;

public sealed class SeededNoiseTests
{
    [Fact]
    public void RawSeedsReproducePyTorchRandn()
    {
        using var scope = NewDisposeScope();
        Tensor noise = SeededNoise.Normal([1, 2, 3], [0, 7, 123456789]);
        Assert.Equal(new long[] { 3, 1, 2, 3 }, noise.shape);
        Assert.True(MaxAbsDifference(noise[0], DiffusionGoldenValues.Randn1x2x3Seed0) < 1e-7);
        Assert.True(MaxAbsDifference(noise[1], DiffusionGoldenValues.Randn1x2x3Seed7) < 1e-7);
        Assert.True(MaxAbsDifference(noise[2], DiffusionGoldenValues.Randn1x2x3Seed123456789) < 1e-7);
    }

    [Fact]
    public void ASampleDoesNotDependOnBatchSizeOrPosition()
    {
        using var scope = NewDisposeScope();
        long[] seeds = [10, 11, 12, 1234, 14, 15, 16, 17];
        Tensor batch = SeededNoise.Normal([1, 4, 4], seeds);
        Tensor single = SeededNoise.Normal([1, 4, 4], [1234]);
        Assert.Equal(0.0, MaxAbsDifference(batch[3], single[0]));
        Assert.True(MaxAbsDifference(batch[0], batch[1]) > 0.1);
    }

    [Fact]
    public void DerivedSeedsMatchThePythonReimplementation()
    {
        Assert.Equal(5, SeededNoise.DeriveSeed(5, 0));
        Assert.Equal(DiffusionGoldenValues.DerivedSeeds, new[] { SeededNoise.DeriveSeed(5, 1), SeededNoise.DeriveSeed(11, 3), SeededNoise.DeriveSeed(-1, 2) });
    }
}
