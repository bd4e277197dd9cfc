using CondDistill.Training.CoDi;
using static TorchSharp.torch;

namespace CondDistill.Notebooks;

/// <summary>One CoDi loss evaluation under one next-point switch, as <see cref="CoDiDissection"/> shows it.</summary>
/// <param name="Source">Where z_s_hat came from (PREv, DDIM or the frozen teacher).</param>
/// <param name="Consistency">The conditional consistency term d_eps(eps_hat_t, eps_target).</param>
/// <param name="Guidance">The conditional guidance term d_x(x_hat_t, x).</param>
/// <param name="Step">The step's tensors (z_t, x_hat_t, eps_hat_t, z_s_hat, w_minus, ...).</param>
/// <param name="TargetXHat">The EMA target's clean-image estimate at (z_s_hat, s): alpha_s z_s_hat - sigma_s w_minus.</param>
public sealed record CoDiStepView(NextPointSource Source, double Consistency, double Guidance, CoDiIntermediates Step, Tensor TargetXHat);
