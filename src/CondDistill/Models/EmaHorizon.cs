namespace CondDistill.Models;

/// <summary>
/// How far back an exponential moving average reaches, from its decay schedule alone (<see cref="Ema.DecayAt"/>).
/// After N updates with decays d_0..d_(N-1) the average is P theta_init + sum_k w_k theta_k, with
/// w_k = (1 - d_k) prod_(j &gt; k) d_j the weight of the value taken at update k (age N - 1 - k) and
/// P = prod_j d_j the weight left on the starting value (age N). Pure arithmetic, no tensors.
/// </summary>
/// <remarks>
/// Closed forms the tests check: with a fixed decay gamma the mean age is gamma (1 - gamma^N) / (1 - gamma)
/// (999 for 0.999 once N is large) and the m newest updates hold 1 - gamma^m of the weight; with the warm-up
/// decay (1 + n) / (10 + n), as long as it stays below gamma (n &lt; (10 gamma - 1) / (1 - gamma), i.e. 89,990
/// updates for 0.9999), the mean age is exactly N / 10: until then a warm-up EMA remembers a tenth of the run,
/// whatever its gamma.
/// </remarks>
public static class EmaHorizon
{
    /// <summary>Weighted mean age, in updates, of what the average holds after <paramref name="updates"/> updates.</summary>
    /// <param name="updates">Number of updates N (0 gives age 0: the average is the starting value).</param>
    /// <param name="gamma">The EMA's decay.</param>
    /// <param name="warmUp">Whether the warm-up decay min(gamma, (1 + n) / (10 + n)) is used.</param>
    public static double MeanAge(long updates, double gamma, bool warmUp)
    {
        Check(updates, gamma);
        double age = 0;
        foreach (var (valueAge, weight) in WeightsNewestFirst(updates, gamma, warmUp)) age += weight * valueAge;
        return age;
    }

    /// <summary>
    /// The fewest most recent updates whose weights add up to at least <paramref name="share"/> of the average
    /// (the starting value counts as the oldest, age N); N + 1 if only the starting value completes it.
    /// </summary>
    /// <param name="updates">Number of updates N.</param>
    /// <param name="gamma">The EMA's decay.</param>
    /// <param name="warmUp">Whether the warm-up decay is used.</param>
    /// <param name="share">Share of the weight, in (0, 1].</param>
    public static long RecentUpdatesHolding(long updates, double gamma, bool warmUp, double share)
    {
        Check(updates, gamma);
        if (share is <= 0 or > 1 || double.IsNaN(share))
            throw new ArgumentOutOfRangeException(nameof(share), share, "EMA horizon: the share of the weight must be in (0, 1], e.g. 0.9.");
        double held = 0;
        foreach (var (age, weight) in WeightsNewestFirst(updates, gamma, warmUp))
        {
            held += weight;
            if (held >= share) return age + 1;
        }
        return updates + 1; // the weights sum to 1 up to rounding, so only rounding gets here
    }

    /// <summary>(age, weight) of every value the average holds, newest first: w_k for ages 0..N-1, then P for the starting value (age N).</summary>
    private static IEnumerable<(long Age, double Weight)> WeightsNewestFirst(long updates, double gamma, bool warmUp)
    {
        double carried = 1; // product of the decays of the updates newer than the one in hand
        for (long k = updates - 1; k >= 0; k--)
        {
            double decay = Ema.DecayAt(k, gamma, warmUp);
            yield return (updates - 1 - k, (1 - decay) * carried);
            carried *= decay;
        }
        yield return (updates, carried);
    }

    private static void Check(long updates, double gamma)
    {
        if (updates < 0) throw new ArgumentOutOfRangeException(nameof(updates), updates, "EMA horizon: the number of updates must be >= 0.");
        if (gamma is < 0 or > 1 || double.IsNaN(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "EMA horizon: the decay gamma must be in [0, 1].");
    }
}
