namespace CondDistill.Evaluation;

/// <summary>Outcome of <see cref="ExtractorTrainer.Train"/>.</summary>
/// <param name="Steps">Optimiser steps taken.</param>
/// <param name="LastEpochLoss">Mean training cross-entropy over the last epoch.</param>
/// <param name="LastEpochAccuracy">Training accuracy over the last epoch (augmented, dropout on).</param>
/// <param name="WallTime">Wall-clock duration of the run.</param>
public sealed record ExtractorTrainingResult(long Steps, double LastEpochLoss, double LastEpochAccuracy, TimeSpan WallTime);
