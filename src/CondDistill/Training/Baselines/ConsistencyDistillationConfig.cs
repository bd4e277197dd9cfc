using CondDistill.Diffusion;
using CondDistill.Models;

namespace CondDistill.Training.Baselines;

/// <summary>Options of the CM-II baseline (<see cref="ConsistencyDistillationMethod"/>).</summary>
/// <param name="GridSize">N of the teacher grid (<see cref="TimestepGrid"/>; k = T / N, t = i k, s = t - k); 50 as CoDi.</param>
/// <param name="SharedTimestepAcrossBatch">
/// One grid index for the whole batch (CoDi's choice) instead of one per sample. Off by default: Song et al.
/// (2023) draw n per sample, and CM-II is their method.
/// </param>
/// <param name="BoundaryScaling">
/// f(z, t) = c_skip(t) z + c_out(t) x_hat(z, t) (on) or f = x_hat (off).
/// </param>
/// <param name="Convention">
/// Which c_skip/c_out (<see cref="ConsistencyBoundaryScaling"/>). Default <see cref="BoundaryScalingConvention.ReleasedCode"/>
/// (the CoDi code and diffusers' LCM): (c_skip, c_out) = (1, 0) at t = 0 and (6.2e-6, 0.999997) at t = 20,
/// so f pins z at t = 0 and equals x_hat to 1e-5 on every other grid point; the student then starts as
/// the fine-tuned model. <see cref="BoundaryScalingConvention.NormalizedTime"/> gives c_out of about 0.5 at
/// large t, which halves x_hat (method.md section 6 item 6): the student would start far from its teacher.
/// </param>
/// <param name="EmaDecay">
/// Decay mu of the EMA whose weights form the target model f_ema (copied into a frozen target after every
/// update). 0.999 as CoDi's gamma, so both methods use the same target; Song et al. used 0.95 for the
/// target on CIFAR-10 plus a separate slow EMA for evaluation.
/// </param>
/// <param name="EmaWarmUp">Use the warm-up decay min(mu, (1 + n) / (10 + n)).</param>
/// <param name="Scope">
/// <see cref="TrainableScope.Full"/> for "CM-II"; <see cref="TrainableScope.AdapterOnly"/> for "CM-II (frozen)"
/// (only a ControlNet student's adapter trains).
/// </param>
public sealed record ConsistencyDistillationConfig(
    int GridSize = 50,
    bool SharedTimestepAcrossBatch = false,
    bool BoundaryScaling = true,
    BoundaryScalingConvention Convention = BoundaryScalingConvention.ReleasedCode,
    double EmaDecay = 0.999,
    bool EmaWarmUp = false,
    TrainableScope Scope = TrainableScope.Full)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the invalid field.</summary>
    public void Validate(int numTimesteps = NoiseSchedule.DefaultNumTimesteps)
    {
        if (GridSize < 2 || GridSize > numTimesteps || numTimesteps % GridSize != 0)
            throw new ArgumentException($"ConsistencyDistillationConfig.GridSize = {GridSize} must divide T = {numTimesteps} and lie in 2..T (e.g. 20 or 50).");
        if (!Enum.IsDefined(Convention)) throw new ArgumentException($"ConsistencyDistillationConfig.Convention '{Convention}' is not a known convention.");
        if (!Enum.IsDefined(Scope)) throw new ArgumentException($"ConsistencyDistillationConfig.Scope '{Scope}' is not a known scope.");
        if (EmaDecay is < 0 or > 1) throw new ArgumentException($"ConsistencyDistillationConfig.EmaDecay must lie in [0, 1] (got {EmaDecay}).");
    }

    /// <summary>The boundary scaling to apply, or null when <see cref="BoundaryScaling"/> is off.</summary>
    public BoundaryScalingConvention? Scaling => BoundaryScaling ? Convention : null;
}
