namespace CondDistill.Training.CoDi;

/// <summary>Where CoDi's conditional consistency term is measured (method.md section 3 step 7 and section 6 item 2).</summary>
public enum ConsistencySpace
{
    /// <summary>
    /// The paper: d_eps(eps_hat_t, eps_target) = mean((eps_hat_t - eps_target)^2) with
    /// eps_hat_t = alpha_t w + sigma_t z_t and eps_target = alpha_s w_minus + sigma_s z_s_hat.
    /// </summary>
    Eps,

    /// <summary>
    /// The released code: boundary-scaled clean-sample predictions,
    /// mean((f(z_t, t) - f_target(z_s_hat, s))^2) with f(z, t) = c_skip(t) z + c_out(t) x_hat(z, t),
    /// x_hat(z, t) = alpha_t z - sigma_t w (see <see cref="CoDiLoss.BoundaryScaled"/> for c_skip and c_out).
    /// </summary>
    X,
}
