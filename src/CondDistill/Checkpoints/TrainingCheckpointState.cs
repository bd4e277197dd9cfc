namespace CondDistill.Checkpoints;

/// <summary>What <see cref="TrainingCheckpoint.Load"/> returns besides the restored objects.</summary>
/// <param name="Step">Completed training steps when the checkpoint was written.</param>
/// <param name="Metadata">The caller metadata passed to <see cref="TrainingCheckpoint.Save"/>.</param>
public sealed record TrainingCheckpointState(long Step, IReadOnlyDictionary<string, string> Metadata);
