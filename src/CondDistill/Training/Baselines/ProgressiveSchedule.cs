using CondDistill.Diffusion;

namespace CondDistill.Training.Baselines;

/// <summary>
/// The phases of progressive distillation (Salimans and Ho 2022): the step count halves each phase,
/// e.g. 64 -> 32 -> 16 -> 8 -> 4 (four phases). Phase 0's teacher is the fine-tuned model sampled
/// with <see cref="StartTeacherSteps"/> steps; each later phase's teacher is a frozen copy of the
/// previous phase's student (<see cref="ProgressiveDistillationMethod.NextPhase"/>).
/// </summary>
public sealed class ProgressiveSchedule
{
    /// <summary>Builds the halving schedule from <paramref name="startTeacherSteps"/> down to <paramref name="finalStudentSteps"/>.</summary>
    /// <exception cref="ArgumentException">startTeacherSteps is not finalStudentSteps times a power of two (at least 2), or exceeds T.</exception>
    public ProgressiveSchedule(int startTeacherSteps = 64, int finalStudentSteps = 4, int numTimesteps = NoiseSchedule.DefaultNumTimesteps)
    {
        if (finalStudentSteps < 1)
            throw new ArgumentException($"Progressive schedule: finalStudentSteps must be >= 1 (got {finalStudentSteps}).", nameof(finalStudentSteps));
        if (startTeacherSteps > numTimesteps)
            throw new ArgumentException($"Progressive schedule: startTeacherSteps = {startTeacherSteps} exceeds T = {numTimesteps}.", nameof(startTeacherSteps));
        var phases = new List<DistillationPhase>();
        int steps = startTeacherSteps;
        while (steps > finalStudentSteps && steps % 2 == 0)
        {
            phases.Add(new DistillationPhase(phases.Count, steps, steps / 2));
            steps /= 2;
        }
        if (steps != finalStudentSteps || phases.Count == 0)
            throw new ArgumentException(
                $"Progressive schedule: startTeacherSteps = {startTeacherSteps} must be finalStudentSteps = {finalStudentSteps} times 2, 4, 8, ... " +
                $"(e.g. {finalStudentSteps * 16} for four phases).", nameof(startTeacherSteps));
        StartTeacherSteps = startTeacherSteps;
        FinalStudentSteps = finalStudentSteps;
        Phases = phases;
    }

    /// <summary>Steps of the first teacher (the fine-tuned model).</summary>
    public int StartTeacherSteps { get; }

    /// <summary>Steps of the last student.</summary>
    public int FinalStudentSteps { get; }

    /// <summary>The phases in training order.</summary>
    public IReadOnlyList<DistillationPhase> Phases { get; }

    /// <summary>The step counts visited, e.g. [64, 32, 16, 8, 4].</summary>
    public IReadOnlyList<int> StepCounts => [StartTeacherSteps, .. Phases.Select(p => p.StudentSteps)];
}
