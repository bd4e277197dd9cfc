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
    public static double WarmupStableDecay(long step, double peak, long warmupSteps, long totalSteps, long decaySteps) =>
        WarmupStableDecayHold(step, peak, warmupSteps, totalSteps, decaySteps, endRate: 0, holdSteps: 0);

    /// <summary>
    /// Warm-up, stable, decay, hold: <see cref="WarmupConstant"/>, then a linear decay over
    /// <paramref name="decaySteps"/> steps from the peak towards <paramref name="endRate"/>, which the last
    /// <paramref name="holdSteps"/> steps of <paramref name="totalSteps"/> keep. With the decay ending at step
    /// e = total - hold, step e - k takes end + (peak - end) * k / decaySteps. With end 0 and hold 0 it is
    /// <see cref="WarmupStableDecay"/>.
    /// </summary>
    /// <param name="step">Zero-based index of the step about to be taken.</param>
    /// <param name="peak">Learning rate after warm-up.</param>
    /// <param name="warmupSteps">Warm-up length (0 = none).</param>
    /// <param name="totalSteps">Steps of the whole run.</param>
    /// <param name="decaySteps">Length of the linear decay (0 = none: the rate drops to the end rate at once).</param>
    /// <param name="endRate">Rate the decay ends at and the hold keeps (0..peak).</param>
    /// <param name="holdSteps">Steps at the end rate after the decay (0 = the decay ends the run).</param>
    public static double WarmupStableDecayHold(long step, double peak, long warmupSteps, long totalSteps, long decaySteps, double endRate, long holdSteps)
    {
        long decayEnd = totalSteps - holdSteps;
        if (step < decayEnd - decaySteps) return WarmupConstant(step, peak, warmupSteps);
        if (step >= decayEnd) return endRate;
        return endRate + (peak - endRate) * (decayEnd - step) / decaySteps;
    }

    /// <summary>
    /// First step whose rate the decay (and hold) change: <paramref name="totalSteps"/> - hold - decay
    /// (<paramref name="totalSteps"/> when there is neither).
    /// </summary>
    public static long DecayStart(long totalSteps, long decaySteps, long holdSteps) => totalSteps - Math.Max(0, holdSteps) - Math.Max(0, decaySteps);

    /// <summary>
    /// The first of steps 0..<paramref name="steps"/> - 1 whose rate differs between two schedules (null when none
    /// does): the check that lets a resumed run change its schedule only where nothing is trained yet.
    /// </summary>
    /// <param name="a">One schedule, rate of a zero-based step.</param>
    /// <param name="b">The other schedule.</param>
    /// <param name="steps">Steps already taken.</param>
    public static long? FirstDifferingStep(Func<long, double> a, Func<long, double> b, long steps)
    {
        for (long step = 0; step < steps; step++)
            if (a(step) != b(step)) return step;
        return null;
    }
}
