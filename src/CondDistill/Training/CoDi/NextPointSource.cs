namespace CondDistill.Training.CoDi;

/// <summary>
/// Where CoDi's next point z_s_hat (method.md section 3 step 5) comes from. It is always computed
/// without gradient; <see cref="CoDiLoss.NextPoint"/> is the one place that implements the switch.
/// </summary>
public enum NextPointSource
{
    /// <summary>
    /// PREv, the paper's main text: z_s_hat = alpha_s x_hat_t + sigma_s eps, with x_hat_t from the
    /// online model and eps the ORIGINAL noise that produced z_t. With a perfect x_hat_t this is exactly
    /// the forward-diffused z_s.
    /// </summary>
    Prev,

    /// <summary>
    /// DDIM (paper appendix algorithm, the released code's README runs):
    /// z_s_hat = alpha_s x_hat_t + sigma_s eps_hat_t, both from the online model's prediction.
    /// </summary>
    Ddim,

    /// <summary>
    /// The ablation "- distilling PF-ODE" and what the released code effectively does: x_hat and eps_hat
    /// at (z_t, t) come from the frozen pretrained UNCONDITIONAL model, then the DDIM step to s.
    /// </summary>
    Teacher,
}
