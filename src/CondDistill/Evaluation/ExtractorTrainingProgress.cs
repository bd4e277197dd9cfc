namespace CondDistill.Evaluation;

/// <summary>One progress report of <see cref="ExtractorTrainer.Train"/>.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">1-based optimiser step over the whole run.</param>
/// <param name="TotalSteps">Steps the run will take.</param>
/// <param name="Loss">Mean cross-entropy over the steps since the previous report.</param>
/// <param name="Accuracy">Training accuracy (augmented, dropout on) over the steps since the previous report.</param>
public sealed record ExtractorTrainingProgress(int Epoch, long Step, long TotalSteps, double Loss, double Accuracy);
