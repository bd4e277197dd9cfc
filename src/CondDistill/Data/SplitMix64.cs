namespace CondDistill.Data;

/// <summary>
/// The SplitMix64 generator (Steele, Lea, Flood 2014): tiny, fast, statistically good, and the same
/// on every platform and .NET version (unlike unseeded <see cref="Random"/> implementations).
/// </summary>
/// <param name="state">The initial state.</param>
public struct SplitMix64(ulong state)
{
    /// <summary>The golden-ratio increment added to the state at each step.</summary>
    public const ulong Increment = 0x9E3779B97F4A7C15;

    private ulong state = state;

    /// <summary>The SplitMix64 output function (a bijective 64-bit mixer).</summary>
    /// <param name="z">The value to mix.</param>
    public static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        state += Increment;
        return Finalize(state);
    }

    /// <summary>A uniform integer in 0 .. exclusiveMax-1 (modulo bias below exclusiveMax / 2^64, negligible).</summary>
    /// <param name="exclusiveMax">Number of possible values, at least 1.</param>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exclusiveMax, 1);
        return (int)(NextUInt64() % (ulong)exclusiveMax);
    }
}
