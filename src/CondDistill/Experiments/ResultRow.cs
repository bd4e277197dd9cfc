using CondDistill.Evaluation;

namespace CondDistill.Experiments;

/// <summary>One measured row of a <see cref="ResultsTable"/>: a trained run, a sampler, a weight set and every metric.</summary>
/// <param name="Key">The <see cref="ReproductionRow.Key"/>.</param>
/// <param name="Label">The run's table label, e.g. "CoDi".</param>
/// <param name="RunKey">The run it samples.</param>
/// <param name="Sampler">Sampler name, e.g. "grid-N50-4", "ddim-50".</param>
/// <param name="Steps">Network evaluations per image.</param>
/// <param name="Weights">"ema" or "online".</param>
/// <param name="Metrics">Every metric with its protocol.</param>
/// <param name="TrainableParameters">Parameters the run's optimiser updated.</param>
/// <param name="TrainSteps">Optimiser steps of the run.</param>
/// <param name="TrainBatchSize">Pairs per step.</param>
/// <param name="TrainWallSeconds">Training wall time of the run (all resumed segments), seconds.</param>
public sealed record ResultRow(
    string Key, string Label, string RunKey, string Sampler, int Steps, string Weights, MetricsReport Metrics,
    long TrainableParameters, long TrainSteps, int TrainBatchSize, double TrainWallSeconds);
