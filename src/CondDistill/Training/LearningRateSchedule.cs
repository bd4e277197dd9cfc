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
}
