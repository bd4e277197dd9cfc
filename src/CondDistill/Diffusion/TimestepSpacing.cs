namespace CondDistill.Diffusion;

/// <summary>
/// Timestep lists for many-step samplers (DDIM, DPM-Solver++). Every list is descending, holds n
/// distinct timesteps in 0..T-1 and starts at the top step T - 1 (where the start noise matches the
/// schedule); the rules differ in where they put the steps.
/// <list type="bullet">
/// <item><see cref="Trailing"/> (the project's default; diffusers' timestep_spacing = "trailing",
/// Lin et al. 2024): even in t, t_j = round(T - j T / n) - 1, so it ends at round(T / n) - 1.
/// E.g. T = 1000: 4 steps [999, 749, 499, 249]; 50 steps [999, 979, ..., 19].</item>
/// <item><see cref="Power"/>: t_j = round((T - 1) ((n - j) / n)^rho), which is even in t for rho = 1
/// and, for rho &gt; 1, moves steps toward t = 0 (rho = 2 is the "quadratic" spacing of the DDIM
/// paper, Song et al. 2021, read from the top step down).</item>
/// </list>
/// </summary>
public static class TimestepSpacing
{
    /// <summary>Trailing spacing, descending, n distinct timesteps in 0..T-1.</summary>
    public static int[] Trailing(int steps, int numTimesteps = NoiseSchedule.DefaultNumTimesteps)
    {
        CheckSteps(steps, numTimesteps);
        var timesteps = new int[steps];
        for (int j = 0; j < steps; j++)
            timesteps[j] = (int)Math.Round(numTimesteps - j * (double)numTimesteps / steps, MidpointRounding.ToEven) - 1;
        return timesteps;
    }

    /// <summary>
    /// Power spacing: t_j = round((T - 1) ((n - j) / n)^<paramref name="exponent"/>) for j = 0..n-1,
    /// descending from T - 1. Where rounding puts two steps on the same timestep (near t = 0 for large
    /// exponents) the upper one moves up by one, so the list stays strictly decreasing and keeps n
    /// steps: e.g. T = 1000, 50 steps, exponent 3 ends [..., 3, 2, 1, 0] instead of [..., 1, 1, 0, 0, 0].
    /// </summary>
    /// <param name="steps">n, the number of timesteps (network evaluations).</param>
    /// <param name="exponent">rho: 1 is even in t, larger values put more steps near t = 0.</param>
    /// <param name="numTimesteps">T.</param>
    public static int[] Power(int steps, double exponent, int numTimesteps = NoiseSchedule.DefaultNumTimesteps)
    {
        CheckSteps(steps, numTimesteps);
        CheckExponent(exponent);
        var timesteps = new int[steps];
        for (int j = steps - 1; j >= 0; j--)
        {
            int rounded = (int)Math.Round((numTimesteps - 1) * Math.Pow((steps - j) / (double)steps, exponent), MidpointRounding.ToEven);
            timesteps[j] = j == steps - 1 ? rounded : Math.Max(rounded, timesteps[j + 1] + 1);
        }
        return timesteps;
    }

    /// <summary>Refuses an exponent of <see cref="Power"/> that is not a positive finite number.</summary>
    internal static void CheckExponent(double exponent)
    {
        if (!double.IsFinite(exponent) || exponent <= 0)
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "The exponent of power spacing must be a positive number (1 = even in t, 2 = quadratic).");
    }

    private static void CheckSteps(int steps, int numTimesteps)
    {
        if (steps < 1 || steps > numTimesteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"The number of sampling steps must lie in 1..{numTimesteps}.");
    }
}
