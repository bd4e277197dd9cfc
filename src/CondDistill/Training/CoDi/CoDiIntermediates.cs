using static TorchSharp.torch;

namespace CondDistill.Training.CoDi;

/// <summary>
/// The tensors of one CoDi loss evaluation (method.md section 3 steps 2-7), all detached from the
/// graph. Shapes: timesteps int64 [B], everything else like x [B, C, H, W].
/// </summary>
/// <param name="T">The timesteps t.</param>
/// <param name="S">The timesteps s = t - k.</param>
/// <param name="ZT">z_t = alpha_t x + sigma_t eps.</param>
/// <param name="XHatT">x_hat_t from the online prediction w.</param>
/// <param name="EpsHatT">eps_hat_t from the online prediction w.</param>
/// <param name="NextPoint">z_s_hat as chosen by the next-point source.</param>
/// <param name="TargetVelocity">w_minus, the EMA target's v-prediction at (z_s_hat, s).</param>
/// <param name="ConsistencyPrediction">The online side of the consistency term (eps_hat_t, or f(z_t, t) in X space).</param>
/// <param name="ConsistencyTarget">The target side (eps_target, or f_target(z_s_hat, s) in X space).</param>
public sealed record CoDiIntermediates(
    Tensor T,
    Tensor S,
    Tensor ZT,
    Tensor XHatT,
    Tensor EpsHatT,
    Tensor NextPoint,
    Tensor TargetVelocity,
    Tensor ConsistencyPrediction,
    Tensor ConsistencyTarget)
{
    /// <summary>Moves every tensor to the enclosing dispose scope; returns this.</summary>
    public CoDiIntermediates MoveToOuterDisposeScope()
    {
        foreach (var tensor in new[] { T, S, ZT, XHatT, EpsHatT, NextPoint, TargetVelocity, ConsistencyPrediction, ConsistencyTarget })
            tensor.MoveToOuterDisposeScope();
        return this;
    }
}
