namespace CondDistill.Experiments;

/// <summary>
/// Whether a quality-against-steps curve has stopped improving: the relative FD gain over the last
/// quarter of training, from the latest measured step at or before 3/4 of the last step to the last
/// step. Issue 3 calls a teacher converged when this gain is below <see cref="Threshold"/>.
/// </summary>
/// <param name="FromStep">Measured step at or before 3/4 of <paramref name="ToStep"/>.</param>
/// <param name="ToStep">The last measured step.</param>
/// <param name="FromFd">FD at <paramref name="FromStep"/>.</param>
/// <param name="ToFd">FD at <paramref name="ToStep"/>.</param>
public sealed record Convergence(long FromStep, long ToStep, double FromFd, double ToFd)
{
    /// <summary>The largest last-quarter gain still called "stopped improving" (10 %).</summary>
    public const double Threshold = 0.10;

    /// <summary>(FromFd - ToFd) / FromFd: the share of FD removed over the last quarter (negative if it got worse).</summary>
    public double Gain => (FromFd - ToFd) / FromFd;

    /// <summary>Whether <see cref="Gain"/> is below <see cref="Threshold"/>.</summary>
    public bool StoppedImproving => Gain < Threshold;

    /// <summary>The last-quarter comparison of a curve (any order), or null with fewer than two points or none at or before 3/4 of the last step.</summary>
    public static Convergence? OfLastQuarter(IEnumerable<(long Step, double Fd)> curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var points = curve.OrderBy(p => p.Step).ToList();
        if (points.Count < 2) return null;
        var last = points[^1];
        // 4 * step <= 3 * last, in integers: no rounding of 3/4.
        var candidates = points.Where(p => 4 * p.Step <= 3 * last.Step).ToList();
        if (candidates.Count == 0) return null;
        var from = candidates[^1];
        return new Convergence(from.Step, last.Step, from.Fd, last.Fd);
    }
}
