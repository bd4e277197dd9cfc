using CondDistill.Diffusion;
using CondDistill.Models;

namespace CondDistill.Training.Baselines;

/// <summary>Options of one GD-II distillation phase (<see cref="ProgressiveDistillationMethod"/>).</summary>
/// <param name="StudentSteps">
/// n_student; the teacher samples with 2 n_student steps. Both use trailing spacing
/// (<see cref="TimestepSpacing.Trailing"/>), whose 2n-step list holds the n-step list at its even positions.
/// </param>
/// <param name="Weighting">Weight of the x-space loss; truncated SNR as Salimans and Ho.</param>
/// <param name="EmaDecay">EMA decay of the student's trainable parameters (evaluation weights and, by default, the next phase's teacher).</param>
/// <param name="EmaWarmUp">Use the warm-up decay min(gamma, (1 + n) / (10 + n)).</param>
/// <param name="Scope">Which weights train; <see cref="TrainableScope.AdapterOnly"/> needs a ControlNet student.</param>
public sealed record ProgressiveDistillationConfig(
    int StudentSteps,
    DistillationWeighting Weighting = DistillationWeighting.TruncatedSnr,
    double EmaDecay = 0.999,
    bool EmaWarmUp = false,
    TrainableScope Scope = TrainableScope.Full)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the invalid field.</summary>
    public void Validate(int numTimesteps = NoiseSchedule.DefaultNumTimesteps)
    {
        if (StudentSteps < 1 || 2 * StudentSteps > numTimesteps)
            throw new ArgumentException($"ProgressiveDistillationConfig.StudentSteps = {StudentSteps} must lie in 1..T/2 = {numTimesteps / 2} (the teacher takes twice as many steps).");
        if (!Enum.IsDefined(Weighting)) throw new ArgumentException($"ProgressiveDistillationConfig.Weighting '{Weighting}' is not a known weighting.");
        if (!Enum.IsDefined(Scope)) throw new ArgumentException($"ProgressiveDistillationConfig.Scope '{Scope}' is not a known scope.");
        if (EmaDecay is < 0 or > 1) throw new ArgumentException($"ProgressiveDistillationConfig.EmaDecay must lie in [0, 1] (got {EmaDecay}).");
    }

    /// <summary>The teacher's step count, 2 n_student.</summary>
    public int TeacherSteps => 2 * StudentSteps;
}
