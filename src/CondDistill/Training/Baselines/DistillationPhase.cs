namespace CondDistill.Training.Baselines;

/// <summary>One phase of progressive distillation: a student with <paramref name="StudentSteps"/> learns to match a teacher with <paramref name="TeacherSteps"/> = 2 x StudentSteps.</summary>
/// <param name="Index">0-based position in the schedule.</param>
/// <param name="TeacherSteps">The teacher's sampling steps (the previous phase's student steps).</param>
/// <param name="StudentSteps">The student's sampling steps, half the teacher's.</param>
public sealed record DistillationPhase(int Index, int TeacherSteps, int StudentSteps);
