using CondDistill.Data;

namespace CondDistill.Training;

/// <summary>
/// Batches of dataset indices as a pure function of (seed, step): each epoch is a fresh
/// permutation seeded by (seed, epoch), split into full batches (the remainder is left out). A
/// resumed run therefore needs only its step to see exactly the batches it would have seen.
/// </summary>
public sealed class EpochBatches
{
    private const ulong PermutationStream = 0x5045524D; // "PERM"
    private readonly int seed;
    private long cachedEpoch = -1;
    private long[] cachedPermutation = [];

    /// <summary>Creates the batch plan.</summary>
    /// <param name="datasetSize">Number of images to draw from (indices 0..datasetSize-1).</param>
    /// <param name="batchSize">Images per batch; at most <paramref name="datasetSize"/>.</param>
    /// <param name="seed">The run's seed.</param>
    public EpochBatches(int datasetSize, int batchSize, int seed)
    {
        if (batchSize < 1 || batchSize > datasetSize)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be in 1..{datasetSize} (the dataset size).");
        DatasetSize = datasetSize;
        BatchSize = batchSize;
        this.seed = seed;
    }

    /// <summary>Number of images drawn from.</summary>
    public int DatasetSize { get; }

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Full batches per epoch.</summary>
    public long StepsPerEpoch => DatasetSize / BatchSize;

    /// <summary>The dataset indices of the batch of zero-based step <paramref name="step"/>.</summary>
    public long[] ForStep(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        long epoch = step / StepsPerEpoch;
        if (epoch != cachedEpoch)
        {
            cachedPermutation = Permutation(DatasetSize, seed, epoch);
            cachedEpoch = epoch;
        }
        int start = (int)(step % StepsPerEpoch) * BatchSize;
        return cachedPermutation.AsSpan(start, BatchSize).ToArray();
    }

    /// <summary>Fisher-Yates permutation of 0..n-1 driven by SplitMix64 seeded with (seed, epoch).</summary>
    public static long[] Permutation(int n, int seed, long epoch)
    {
        var random = PerSampleRandom.Sequence(seed, epoch, PermutationStream);
        var order = new long[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
