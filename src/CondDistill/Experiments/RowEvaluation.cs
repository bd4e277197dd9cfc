using CondDistill.Evaluation;

namespace CondDistill.Experiments;

/// <summary>
/// A cached evaluation of one table row (<c>evaluations/{row}.json</c> in a reproduction folder): reused
/// only while the run's config and final step are unchanged.
/// </summary>
/// <param name="RunConfig">The run's experiment config JSON when it was evaluated.</param>
/// <param name="Step">The run's training step when it was evaluated.</param>
/// <param name="Metrics">The metrics with their protocol.</param>
public sealed record RowEvaluation(string RunConfig, long Step, MetricsReport Metrics);
