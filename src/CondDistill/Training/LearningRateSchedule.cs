namespace CondDistill.Training;

/// <summary>Learning-rate schedules as pure functions of the step.</summary>
public static class LearningRateSchedule
{
    /// <summary>Linear warm-up from peak/warmup to the peak over <paramref name="warmupSteps"/>, then constant.</summary>
    /// <param name="step">Zero-based index of the step about to be taken.</param>
    /// <param name="peak">Learning rate after warm-up.</param>
    /// <param name="warmupSteps">Warm-up length (0 = none).</param>
    public static double WarmupConstant(long step, double peak, long warmupSteps) =>
        warmupSteps <= 0 || step >= warmupSteps ? peak : peak * (step + 1) / warmupSteps;

    /// <summary>
    /// Warm-up, stable, decay: <see cref="WarmupConstant"/> until the last <paramref name="decaySteps"/> steps of
    /// <paramref name="totalSteps"/>, which decay linearly towards 0 (step total - k takes peak * k / decaySteps).
    /// With <paramref name="decaySteps"/> = 0 it is <see cref="WarmupConstant"/>. The decay can be chosen late:
    /// the rate of every step before it starts does not depend on it.
    /// </summary>
    /// <param name="step">Zero-based index of the step about to be taken.</param>
    /// <param name="peak">Learning rate after warm-up.</param>
    /// <param name="warmupSteps">Warm-up length (0 = none).</param>
    /// <param name="totalSteps">Steps of the whole run.</param>
    /// <param name="decaySteps">Length of the final linear decay (0 = none).</param>
    public static double WarmupStableDecay(long step, double peak, long warmupSteps, long totalSteps, long decaySteps)
    {
        long decayStart = totalSteps - decaySteps;
        if (decaySteps <= 0 || step < decayStart) return WarmupConstant(step, peak, warmupSteps);
        return peak * Math.Max(0, totalSteps - step) / decaySteps;
    }

    /// <summary>First step whose rate the decay changes (<paramref name="totalSteps"/> when there is no decay).</summary>
    public static long DecayStart(long totalSteps, long decaySteps) => decaySteps <= 0 ? totalSteps : totalSteps - decaySteps;
}
