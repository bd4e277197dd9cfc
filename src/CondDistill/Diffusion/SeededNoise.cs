using static TorchSharp.torch;

namespace CondDistill.Diffusion;

/// <summary>
/// Per-sample seeded Gaussian noise (in the spirit of openai/consistency_models' random_util):
/// sample i of a batch is drawn by its own CPU <see cref="Generator"/> seeded with seeds[i], so it
/// does not depend on the batch size, the batch position or the device. With a raw seed the draw
/// equals PyTorch's <c>torch.randn(shape, generator=torch.Generator().manual_seed(seed))</c>.
/// Further noise for the same sample (e.g. the fresh noise of consistency-model multistep
/// sampling) uses the derived seed <see cref="DeriveSeed"/>(seed, stream) with stream &gt;= 1.
/// </summary>
public static class SeededNoise
{
    /// <summary>
    /// Stacks one N(0, I) draw of shape <paramref name="perSampleShape"/> per seed into
    /// [seeds.Count, ...perSampleShape] on <paramref name="device"/> (float32 unless told otherwise).
    /// </summary>
    public static Tensor Normal(long[] perSampleShape, IReadOnlyList<long> seeds, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(perSampleShape);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("SeededNoise.Normal: at least one seed is needed (one per sample).", nameof(seeds));
        using var scope = NewDisposeScope();
        var draws = new Tensor[seeds.Count];
        for (int i = 0; i < seeds.Count; i++)
        {
            using var generator = new Generator(unchecked((ulong)seeds[i]), CPU);
            draws[i] = randn(perSampleShape, ScalarType.Float32, CPU, generator: generator);
        }
        return stack(draws).to(dtype, device ?? CPU).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Like <see cref="Normal(long[], IReadOnlyList{long}, Device?, ScalarType)"/> but each sample uses
    /// the derived seed <see cref="DeriveSeed"/>(seeds[i], <paramref name="stream"/>); stream 0 is the raw seed.
    /// </summary>
    public static Tensor Normal(long[] perSampleShape, IReadOnlyList<long> seeds, long stream, Device? device = null, ScalarType dtype = ScalarType.Float32) =>
        Normal(perSampleShape, seeds.Select(seed => DeriveSeed(seed, stream)).ToArray(), device, dtype);

    /// <summary>
    /// A seed for noise stream <paramref name="stream"/> of one sample: the seed itself for stream 0,
    /// otherwise the SplitMix64 finaliser of seed + stream * 0x9E3779B97F4A7C15 (wrapping), reinterpreted
    /// as a signed 64-bit value. Deterministic and documented so an independent implementation can match it.
    /// </summary>
    public static long DeriveSeed(long seed, long stream)
    {
        if (stream == 0) return seed;
        unchecked
        {
            ulong z = (ulong)seed + (ulong)stream * 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (long)(z ^ (z >> 31));
        }
    }
}
