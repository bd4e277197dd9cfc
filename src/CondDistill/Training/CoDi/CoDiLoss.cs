using CondDistill.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Training.CoDi;

/// <summary>
/// The CoDi objective (Mei et al. 2023, arXiv 2310.01407; method.md section 3 steps 3-7) as pure
/// functions over velocity models, so every switch can be tested with closed-form stand-ins:
/// <list type="number">
/// <item>z_t = alpha_t x + sigma_t eps; online w = f_theta(z_t, c, t); x_hat_t = alpha_t z_t - sigma_t w,
/// eps_hat_t = alpha_t w + sigma_t z_t.</item>
/// <item>z_s_hat without gradient from <see cref="NextPoint"/> (PREv / DDIM / frozen teacher).</item>
/// <item>w_minus = f_ema(z_s_hat, c, s) without gradient.</item>
/// <item>consistency: Eps space mean((eps_hat_t - (alpha_s w_minus + sigma_s z_s_hat))^2), or X space
/// mean((f_t - f_s)^2) with f_t = c_skip(t) z_t + c_out(t) x_hat_t and
/// f_s = c_skip(s) z_s_hat + c_out(s) (alpha_s z_s_hat - sigma_s w_minus) (<see cref="BoundaryScaled"/>).</item>
/// <item>guidance d_x = mean((x_hat_t - x)^2); total = w_c consistency + lambda d_x (w_c = 1 in the paper).</item>
/// </list>
/// </summary>
public static class CoDiLoss
{
    /// <summary>
    /// Evaluates the CoDi loss for one batch.
    /// </summary>
    /// <param name="online">The conditional student with its condition bound (gradients flow through it).</param>
    /// <param name="target">The EMA target with the same condition bound; called under no_grad at (z_s_hat, s).</param>
    /// <param name="teacher">The frozen pretrained unconditional model; called (under no_grad) only when
    /// <see cref="CoDiOptions.NextPointSource"/> is <see cref="NextPointSource.Teacher"/>, may be null otherwise.</param>
    /// <param name="schedule">The noise schedule.</param>
    /// <param name="x">Clean images [B, C, H, W] (float32 or float64; alpha and sigma are gathered in x's dtype).</param>
    /// <param name="t">Timesteps t, int64 [B].</param>
    /// <param name="s">Timesteps s &lt; t, int64 [B] (s = t - k on the grid).</param>
    /// <param name="eps">The original noise, like x.</param>
    /// <param name="options">The switches; validated against the schedule's T.</param>
    /// <param name="keepIntermediates">Also return the step's tensors (detached) in <see cref="CoDiLossTerms.Intermediates"/>.</param>
    public static CoDiLossTerms Compute(
        VelocityModel online,
        VelocityModel target,
        VelocityModel? teacher,
        NoiseSchedule schedule,
        Tensor x,
        Tensor t,
        Tensor s,
        Tensor eps,
        CoDiOptions options,
        bool keepIntermediates = false)
    {
        ArgumentNullException.ThrowIfNull(online);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(schedule.NumTimesteps);
        CheckInputs(x, t, s, eps);
        if (options.NextPointSource == NextPointSource.Teacher && teacher is null)
            throw new ArgumentException("CoDiLoss: CoDiOptions.NextPointSource is Teacher but no teacher model was given; pass the frozen pretrained unconditional model or choose Prev or Ddim.", nameof(teacher));

        using var scope = NewDisposeScope();
        int rank = (int)x.dim();
        var (alphaT, sigmaT) = schedule.Gather(t, rank, x.dtype);
        var (alphaS, sigmaS) = schedule.Gather(s, rank, x.dtype);
        Tensor zT = Parameterization.Diffuse(x, eps, alphaT, sigmaT);
        Tensor w = online(zT, t);
        Tensor xHatT = Parameterization.XFromV(zT, w, alphaT, sigmaT);
        Tensor epsHatT = Parameterization.EpsFromV(zT, w, alphaT, sigmaT);

        Tensor zS = NextPoint(options.NextPointSource, zT, t, xHatT, epsHatT, eps, alphaT, sigmaT, alphaS, sigmaS, teacher);
        Tensor wMinus;
        using (no_grad())
        {
            wMinus = target(zS, s).detach();
        }

        var (prediction, consistencyTarget) = options.ConsistencySpace switch
        {
            ConsistencySpace.Eps => (epsHatT, Parameterization.EpsFromV(zS, wMinus, alphaS, sigmaS)),
            ConsistencySpace.X => (
                BoundaryScaled(zT, xHatT, t, schedule.NumTimesteps, options.BoundaryScaling),
                BoundaryScaled(zS, Parameterization.XFromV(zS, wMinus, alphaS, sigmaS), s, schedule.NumTimesteps, options.BoundaryScaling)),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.ConsistencySpace, "Unknown consistency space."),
        };
        Tensor consistency = nn.functional.mse_loss(prediction, consistencyTarget);
        Tensor guidance = nn.functional.mse_loss(xHatT, x);
        Tensor total = Total(consistency, guidance, options.ConsistencyWeight, options.GuidanceWeight);

        CoDiIntermediates? intermediates = keepIntermediates
            ? new CoDiIntermediates(t.clone(), s.clone(), zT.detach(), xHatT.detach(), epsHatT.detach(), zS,
                wMinus, prediction.detach(), consistencyTarget.detach())
            : null;
        return new CoDiLossTerms(total, consistency, guidance, intermediates).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// w_c * consistency + lambda * guidance. A weight of 0 drops its term from the graph entirely
    /// (a clone, identity backward, when the other weight is 1), so that term contributes no gradient.
    /// </summary>
    private static Tensor Total(Tensor consistency, Tensor guidance, double consistencyWeight, double guidanceWeight)
    {
        static Tensor Weighted(Tensor term, double weight) => weight == 1.0 ? term.clone() : weight * term;
        if (guidanceWeight == 0.0) return Weighted(consistency, consistencyWeight);
        if (consistencyWeight == 0.0) return Weighted(guidance, guidanceWeight);
        return consistencyWeight == 1.0 ? consistency + guidanceWeight * guidance : consistencyWeight * consistency + guidanceWeight * guidance;
    }

    /// <summary>
    /// The next point z_s_hat, WITHOUT gradient (method.md section 3 step 5); the single place where
    /// the PREv / DDIM / Teacher switch lives:
    /// <list type="bullet">
    /// <item>Prev: alpha_s x_hat_t + sigma_s eps_original (<see cref="SolverSteps.PrevNextPoint"/>).</item>
    /// <item>Ddim: alpha_s x_hat_t + sigma_s eps_hat_t (<see cref="SolverSteps.Ddim"/>) with the online predictions.</item>
    /// <item>Teacher: the frozen teacher's v at (z_t, t) gives x_hat and eps_hat, then the DDIM step; the
    /// online predictions are not used.</item>
    /// </list>
    /// </summary>
    /// <param name="source">The switch.</param>
    /// <param name="zT">z_t.</param>
    /// <param name="t">Timesteps t, int64 [B] (passed to the teacher).</param>
    /// <param name="xHatT">The online x_hat_t (may carry gradient; it is not propagated).</param>
    /// <param name="epsHatT">The online eps_hat_t (may carry gradient; it is not propagated).</param>
    /// <param name="originalNoise">The eps that produced z_t.</param>
    /// <param name="alphaT">alpha_t, broadcastable to z_t.</param>
    /// <param name="sigmaT">sigma_t, broadcastable to z_t.</param>
    /// <param name="alphaS">alpha_s, broadcastable to z_t.</param>
    /// <param name="sigmaS">sigma_s, broadcastable to z_t.</param>
    /// <param name="teacher">The frozen unconditional model (required for <see cref="NextPointSource.Teacher"/>).</param>
    public static Tensor NextPoint(
        NextPointSource source,
        Tensor zT,
        Tensor t,
        Tensor xHatT,
        Tensor epsHatT,
        Tensor originalNoise,
        Tensor alphaT,
        Tensor sigmaT,
        Tensor alphaS,
        Tensor sigmaS,
        VelocityModel? teacher)
    {
        using var noGrad = no_grad();
        switch (source)
        {
            case NextPointSource.Prev:
                return SolverSteps.PrevNextPoint(xHatT.detach(), originalNoise, alphaS, sigmaS);
            case NextPointSource.Ddim:
                return SolverSteps.Ddim(xHatT.detach(), epsHatT.detach(), alphaS, sigmaS);
            case NextPointSource.Teacher:
                if (teacher is null)
                    throw new ArgumentException("CoDiLoss.NextPoint: the Teacher source needs the frozen teacher model.", nameof(teacher));
                using (var scope = NewDisposeScope())
                {
                    Tensor v = teacher(zT.detach(), t).detach();
                    Tensor xHat = Parameterization.XFromV(zT, v, alphaT, sigmaT);
                    Tensor epsHat = Parameterization.EpsFromV(zT, v, alphaT, sigmaT);
                    return SolverSteps.Ddim(xHat, epsHat, alphaS, sigmaS).MoveToOuterDisposeScope();
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(source), source, $"Unknown next-point source; allowed: {string.Join(", ", Enum.GetNames<NextPointSource>())}.");
        }
    }

    /// <summary>
    /// The consistency-model boundary-scaled clean-sample estimate f(z, t) = c_skip(t) z + c_out(t) x_hat,
    /// with (c_skip, c_out) from <see cref="ConsistencyBoundaryScaling.ForTimesteps"/> (sd = 0.5, time scale 10):
    /// <see cref="BoundaryScalingConvention.ReleasedCode"/> t' = 10 t, c_skip = 0.25 / (t'^2 + 0.25),
    /// c_out = t' / sqrt(t'^2 + 0.25); <see cref="BoundaryScalingConvention.NormalizedTime"/> t' = 10 t / T,
    /// c_out = 0.5 t' / sqrt(t'^2 + 0.25). At t = 0 both give f = z.
    /// </summary>
    /// <param name="z">The noisy sample at t.</param>
    /// <param name="xHat">The clean-sample estimate at (z, t).</param>
    /// <param name="t">Timesteps, int64 [B].</param>
    /// <param name="numTimesteps">T.</param>
    /// <param name="convention">The scaling convention.</param>
    public static Tensor BoundaryScaled(Tensor z, Tensor xHat, Tensor t, int numTimesteps, BoundaryScalingConvention convention)
    {
        using var scope = NewDisposeScope();
        var (cSkip, cOut) = ConsistencyBoundaryScaling.ForTimesteps(t, numTimesteps, convention, rank: (int)z.dim(), dtype: z.dtype);
        return (cSkip * z + cOut * xHat).MoveToOuterDisposeScope();
    }

    private static void CheckInputs(Tensor x, Tensor t, Tensor s, Tensor eps)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(eps);
        if (x.dim() < 2)
            throw new ArgumentException($"CoDiLoss: x must be a batch [B, C, H, W]; got shape [{string.Join(", ", x.shape)}].", nameof(x));
        if (!eps.shape.SequenceEqual(x.shape))
            throw new ArgumentException($"CoDiLoss: eps has shape [{string.Join(", ", eps.shape)}], x has [{string.Join(", ", x.shape)}]; they must match.", nameof(eps));
        foreach (var (steps, name) in new[] { (t, nameof(t)), (s, nameof(s)) })
        {
            if (steps.dim() != 1 || steps.shape[0] != x.shape[0] || steps.dtype != ScalarType.Int64)
                throw new ArgumentException($"CoDiLoss: {name} must be int64 [{x.shape[0]}]; got {steps.dtype} [{string.Join(", ", steps.shape)}].", name);
        }
        using var scope = NewDisposeScope();
        if (!s.lt(t).all().item<bool>())
            throw new ArgumentException("CoDiLoss: every s must be smaller than its t (s = t - k on the grid).", nameof(s));
    }
}
