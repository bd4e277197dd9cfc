namespace CondDistill.Training.Baselines;

/// <summary>
/// Per-sample weight of the x-space distillation loss ||x_hat - x_tilde||^2 (Salimans and Ho 2022, section 4),
/// with SNR_t = alpha_t^2 / sigma_t^2.
/// </summary>
public enum DistillationWeighting
{
    /// <summary>"Truncated SNR": max(SNR_t, 1), i.e. max(||x - x_hat||^2, ||eps - eps_hat||^2). The default.</summary>
    TruncatedSnr,

    /// <summary>"SNR+1": 1 + SNR_t, i.e. the v-space error ||v - v_hat||^2.</summary>
    SnrPlusOne,

    /// <summary>Plain x-space MSE (weight 1).</summary>
    None,
}
