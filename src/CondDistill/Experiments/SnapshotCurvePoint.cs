using CondDistill.Evaluation;

namespace CondDistill.Experiments;

/// <summary>The evaluation of one EMA snapshot of a pretraining run.</summary>
/// <param name="Step">Training step of the snapshot.</param>
/// <param name="SnapshotSha256">SHA-256 of the snapshot file the report belongs to (a changed file is re-evaluated).</param>
/// <param name="Report">Its metrics and protocol.</param>
public sealed record SnapshotCurvePoint(long Step, string SnapshotSha256, MetricsReport Report);
