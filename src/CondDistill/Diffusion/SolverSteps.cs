using static TorchSharp.torch;

namespace CondDistill.Diffusion;

/// <summary>
/// Single solver steps from timestep t to an earlier timestep s (s &lt; t), as pure functions over
/// tensors and schedule values. Samplers and trainers compose these; none of them knows a network.
/// </summary>
public static class SolverSteps
{
    /// <summary>
    /// Deterministic DDIM step (eta = 0) t -> s: z_s = alpha_s x_hat + sigma_s eps_hat, with x_hat and
    /// eps_hat both estimated at t (method.md section 1; the "DDIM" mode of section 3 step 5).
    /// </summary>
    public static Tensor Ddim(Tensor xHat, Tensor epsHat, Tensor alphaS, Tensor sigmaS) => alphaS * xHat + sigmaS * epsHat;

    /// <summary>
    /// CoDi's PREv next point (method.md section 3 step 5, paper main text):
    /// z_s_hat = alpha_s x_hat_t + sigma_s eps, where <paramref name="originalNoise"/> is the SAME noise
    /// that produced z_t = alpha_t x + sigma_t eps. With a perfect x_hat_t this is exactly the
    /// forward-diffused z_s. Differs from <see cref="Ddim"/> only in using the original noise instead of eps_hat.
    /// </summary>
    public static Tensor PrevNextPoint(Tensor xHat, Tensor originalNoise, Tensor alphaS, Tensor sigmaS) =>
        alphaS * xHat + sigmaS * originalNoise;

    /// <summary>
    /// Consistency-model re-noising between multistep samples: z_next = alpha_next x_hat + sigma_next eps_fresh,
    /// with <paramref name="freshNoise"/> a new N(0, I) draw.
    /// </summary>
    public static Tensor Renoise(Tensor xHat, Tensor freshNoise, Tensor alphaNext, Tensor sigmaNext) =>
        alphaNext * xHat + sigmaNext * freshNoise;

    /// <summary>
    /// Half log-SNR lambda_t = log(alpha_t / sigma_t), the time variable of DPM-Solver (Lu et al. 2022).
    /// </summary>
    public static double Lambda(NoiseSchedule schedule, int t) => 0.5 * schedule.LogSnr(t);

    /// <summary>
    /// DPM-Solver++ first-order update in data-prediction form (Lu et al. 2022, eq. for k = 1), t -> s:
    /// z_s = (sigma_s / sigma_t) z_t - alpha_s (exp(-h) - 1) x_hat_t, h = lambda_s - lambda_t.
    /// Algebraically identical to <see cref="Ddim"/>.
    /// </summary>
    public static Tensor DpmSolverPlusPlusFirstOrder(Tensor z, Tensor xHat, NoiseSchedule schedule, int t, int s)
    {
        double h = Lambda(schedule, s) - Lambda(schedule, t);
        return schedule.Sigma(s) / schedule.Sigma(t) * z - schedule.Alpha(s) * (Math.Exp(-h) - 1.0) * xHat;
    }

    /// <summary>
    /// DPM-Solver++(2M) multistep second-order update (Lu et al. 2022, Algorithm 2) t -> s using the
    /// data predictions at t and at the previous visited timestep <paramref name="previousT"/> (&gt; t):
    /// r = h_prev / h, D = (1 + 1/(2r)) x_hat_t - (1/(2r)) x_hat_prev,
    /// z_s = (sigma_s / sigma_t) z_t - alpha_s (exp(-h) - 1) D, with h = lambda_s - lambda_t and
    /// h_prev = lambda_t - lambda_prev.
    /// </summary>
    public static Tensor DpmSolverPlusPlusSecondOrder(Tensor z, Tensor xHat, Tensor previousXHat, NoiseSchedule schedule, int previousT, int t, int s)
    {
        double lambdaPrevious = Lambda(schedule, previousT), lambdaT = Lambda(schedule, t), lambdaS = Lambda(schedule, s);
        double h = lambdaS - lambdaT;
        double r = (lambdaT - lambdaPrevious) / h;
        double weight = 1.0 / (2.0 * r);
        using var d = (1.0 + weight) * xHat - weight * previousXHat;
        return schedule.Sigma(s) / schedule.Sigma(t) * z - schedule.Alpha(s) * (Math.Exp(-h) - 1.0) * d;
    }
}
