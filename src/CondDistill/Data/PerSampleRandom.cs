using TorchSharp;

namespace CondDistill.Data;

/// <summary>
/// Batch-independent randomness: every random choice about one sample is derived from
/// (seed, dataset index, stream) alone, by SplitMix64 mixing, so a sample's condition is the same
/// whichever batch it sits in (cf. openai/consistency_models <c>cm/random_util.py</c>). The stream
/// separates independent uses (box placement, noise, ...).
/// </summary>
public static class PerSampleRandom
{
    /// <summary>Stream of the inpainting box draw.</summary>
    public const ulong InpaintingBoxStream = 0x494E5041494E5431; // "INPAINT1"

    /// <summary>Stream of the super-resolution measurement noise.</summary>
    public const ulong SuperResolutionNoiseStream = 0x53524E4F49534531; // "SRNOISE1"

    /// <summary>A 64-bit value that depends only on (seed, index, stream), well mixed in every bit.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="index">The sample's dataset index.</param>
    /// <param name="stream">Which use the value is for.</param>
    public static ulong Mix(int seed, long index, ulong stream)
    {
        ulong state = SplitMix64.Finalize(stream ^ SplitMix64.Finalize(unchecked((ulong)(uint)seed)));
        return SplitMix64.Finalize(state ^ SplitMix64.Finalize(unchecked((ulong)index) + SplitMix64.Increment));
    }

    /// <summary>A SplitMix64 sequence private to one sample.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="index">The sample's dataset index.</param>
    /// <param name="stream">Which use the sequence is for.</param>
    public static SplitMix64 Sequence(int seed, long index, ulong stream) => new(Mix(seed, index, stream));

    /// <summary>A CPU torch generator private to one sample (seeded with the low 63 bits of <see cref="Mix"/>).</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="index">The sample's dataset index.</param>
    /// <param name="stream">Which use the generator is for.</param>
    public static torch.Generator Generator(int seed, long index, ulong stream) =>
        new(Mix(seed, index, stream) & long.MaxValue);
}
