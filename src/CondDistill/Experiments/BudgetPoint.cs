namespace CondDistill.Experiments;

/// <summary>One point of a budget curve: a run's few-step quality after <see cref="Step"/> training steps.</summary>
/// <param name="RunKey">The run.</param>
/// <param name="Label">The run's table label.</param>
/// <param name="Sampler">Sampler name.</param>
/// <param name="Step">Training steps so far.</param>
/// <param name="FdFmnist">FD-FMNIST on the budget images (EMA weights).</param>
/// <param name="KidFmnist">KID-FMNIST mean.</param>
/// <param name="PsnrMeanDb">Mean PSNR against the ground truth.</param>
public sealed record BudgetPoint(string RunKey, string Label, string Sampler, long Step, double FdFmnist, double KidFmnist, double PsnrMeanDb);
