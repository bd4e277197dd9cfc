namespace CondDistill.Training;

/// <summary>One progress report of a training loop.</summary>
/// <param name="Step">Steps completed so far (after resume: counted from the start of the run).</param>
/// <param name="TotalSteps">Planned number of steps.</param>
/// <param name="Losses">Named loss terms of the last step (or a running mean), in report order.</param>
/// <param name="StepsPerSecond">Recent throughput.</param>
/// <param name="Eta">Estimated time to finish at that throughput.</param>
public sealed record TrainingProgress(
    long Step, long TotalSteps, IReadOnlyList<KeyValuePair<string, double>> Losses, double StepsPerSecond, TimeSpan Eta)
{
    /// <summary>One human-readable line: bar, step, losses, steps/s and ETA.</summary>
    public string Format(int barWidth = 24)
    {
        double fraction = TotalSteps > 0 ? Math.Clamp((double)Step / TotalSteps, 0, 1) : 0;
        int filled = (int)Math.Round(fraction * barWidth);
        string bar = new string('#', filled) + new string('.', barWidth - filled);
        string losses = string.Join(" ", Losses.Select(l => FormattableString.Invariant($"{l.Key}={l.Value:G4}")));
        string eta = Eta.TotalHours >= 1 ? $"{(int)Eta.TotalHours}h{Eta.Minutes:00}m" : $"{Eta.Minutes}m{Eta.Seconds:00}s";
        return FormattableString.Invariant($"[{bar}] {Step}/{TotalSteps} {fraction * 100,3:F0}% {losses} {StepsPerSecond:F2} steps/s ETA {eta}");
    }
}
