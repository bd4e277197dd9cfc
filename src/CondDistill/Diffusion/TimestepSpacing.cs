namespace CondDistill.Diffusion;

/// <summary>
/// Evenly spaced timesteps for many-step samplers (DDIM, DPM-Solver++). The project uses
/// "trailing" spacing (diffusers' timestep_spacing = "trailing", recommended by Lin et al. 2024 for
/// zero-terminal-SNR schedules): t_j = round(T - j T / n) - 1 for j = 0..n-1, which always starts
/// at the top step T - 1 (where the start noise matches the schedule) and ends at round(T / n) - 1.
/// E.g. T = 1000: 4 steps [999, 749, 499, 249]; 50 steps [999, 979, ..., 19].
/// </summary>
public static class TimestepSpacing
{
    /// <summary>Trailing spacing, descending, n distinct timesteps in 0..T-1.</summary>
    public static int[] Trailing(int steps, int numTimesteps = NoiseSchedule.DefaultNumTimesteps)
    {
        if (steps < 1 || steps > numTimesteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"The number of sampling steps must lie in 1..{numTimesteps}.");
        var timesteps = new int[steps];
        for (int j = 0; j < steps; j++)
            timesteps[j] = (int)Math.Round(numTimesteps - j * (double)numTimesteps / steps, MidpointRounding.ToEven) - 1;
        return timesteps;
    }
}
