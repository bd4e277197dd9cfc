using CondDistill.Data;
using TorchSharp;

namespace CondDistill.Tests.Data;

public sealed class PerSampleRandomTests
{
    [Fact]
    public void SplitMix64MatchesTheReferenceSequenceForSeedZero()
    {
        // Reference outputs of Vigna's splitmix64.c seeded with 0.
        var random = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, random.NextUInt64());
    }

    [Fact]
    public void MixDependsOnSeedIndexAndStream()
    {
        ulong reference = PerSampleRandom.Mix(1, 5, PerSampleRandom.InpaintingBoxStream);

        Assert.Equal(reference, PerSampleRandom.Mix(1, 5, PerSampleRandom.InpaintingBoxStream));
        Assert.NotEqual(reference, PerSampleRandom.Mix(2, 5, PerSampleRandom.InpaintingBoxStream));
        Assert.NotEqual(reference, PerSampleRandom.Mix(1, 6, PerSampleRandom.InpaintingBoxStream));
        Assert.NotEqual(reference, PerSampleRandom.Mix(1, 5, PerSampleRandom.SuperResolutionNoiseStream));
        Assert.NotEqual(PerSampleRandom.Mix(0, 1, 0), PerSampleRandom.Mix(1, 0, 0)); // seed and index do not commute
    }

    [Fact]
    public void GeneratorsForTheSameSampleDrawTheSameNoise()
    {
        using var first = PerSampleRandom.Generator(3, 42, PerSampleRandom.SuperResolutionNoiseStream);
        using var second = PerSampleRandom.Generator(3, 42, PerSampleRandom.SuperResolutionNoiseStream);

        using var a = torch.randn(new long[] { 8 }, generator: first);
        using var b = torch.randn(new long[] { 8 }, generator: second);

        Assert.True(a.SameAs(b));
    }
}
