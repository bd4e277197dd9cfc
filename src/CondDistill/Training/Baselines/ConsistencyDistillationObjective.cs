using CondDistill.Diffusion;
using static TorchSharp.torch;

namespace CondDistill.Training.Baselines;

/// <summary>
/// Consistency distillation (Song et al. 2023, Algorithm 2) of a frozen conditional teacher, as pure
/// functions of <see cref="VelocityModel"/>s (the condition is bound by the caller). On the N-grid,
/// t = i k and s = t - k:
/// <list type="number">
/// <item>z_t = alpha_t x + sigma_t eps;</item>
/// <item>the teacher takes ONE deterministic DDIM step t -> s from z_t: z_s_teacher = alpha_s x_hat + sigma_s eps_hat (no gradient);</item>
/// <item>target = f_target(z_s_teacher, s), the EMA model's consistency function (no gradient);</item>
/// <item>loss = mse(f_student(z_t, t), target), averaged over every element.</item>
/// </list>
/// The consistency function of a v-prediction network is f(z, t) = c_skip(t) z + c_out(t) x_hat(z, t)
/// with the boundary scaling of <see cref="ConsistencyBoundaryScaling"/> (f(z, 0) = z exactly), or
/// f = x_hat without it.
/// </summary>
public static class ConsistencyDistillationObjective
{
    /// <summary>
    /// Draws the grid steps (<see cref="TimestepGrid.DrawTrainingSteps"/>: one index for the batch or one
    /// per sample) and then eps ~ N(0, I) of x's shape, both from <paramref name="generator"/> in that
    /// order, on x's device.
    /// </summary>
    public static (Tensor T, Tensor S, Tensor Eps) Draw(Tensor x, TimestepGrid grid, bool sharedAcrossBatch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(grid);
        using var scope = NewDisposeScope();
        var (t, s) = grid.DrawTrainingSteps((int)x.shape[0], sharedAcrossBatch, generator, x.device);
        Tensor eps = randn(x.shape, dtype: x.dtype, generator: generator).to(x.device);
        return (t.MoveToOuterDisposeScope(), s.MoveToOuterDisposeScope(), eps.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The teacher's single DDIM step t -> s from <paramref name="zT"/> (per-sample t and s, int64 [B]),
    /// computed without gradient: z_s = alpha_s x_hat + sigma_s eps_hat with x_hat, eps_hat from the
    /// teacher's v at (z_t, t). With the true v of a fixed x it lands on alpha_s x + sigma_s eps exactly.
    /// </summary>
    public static Tensor TeacherStep(VelocityModel teacher, NoiseSchedule schedule, Tensor zT, Tensor t, Tensor s)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(schedule);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int rank = (int)zT.dim();
        var (alphaT, sigmaT) = schedule.Gather(t, rank, zT.dtype);
        var (alphaS, sigmaS) = schedule.Gather(s, rank, zT.dtype);
        Tensor v = teacher(zT, t);
        Tensor xHat = Parameterization.XFromV(zT, v, alphaT, sigmaT);
        Tensor epsHat = Parameterization.EpsFromV(zT, v, alphaT, sigmaT);
        return SolverSteps.Ddim(xHat, epsHat, alphaS, sigmaS).detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The consistency function from a v-prediction <paramref name="v"/> at (z, t):
    /// f = c_skip(t) z + c_out(t) x_hat with x_hat = alpha_t z - sigma_t v, or f = x_hat when
    /// <paramref name="boundaryScaling"/> is null. Keeps the graph of v.
    /// </summary>
    public static Tensor ConsistencyFunction(Tensor z, Tensor v, Tensor t, NoiseSchedule schedule, BoundaryScalingConvention? boundaryScaling)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        using var scope = NewDisposeScope();
        int rank = (int)z.dim();
        var (alpha, sigma) = schedule.Gather(t, rank, z.dtype);
        Tensor xHat = Parameterization.XFromV(z, v, alpha, sigma);
        if (boundaryScaling is not { } convention) return xHat.MoveToOuterDisposeScope();
        var (cSkip, cOut) = ConsistencyBoundaryScaling.ForTimesteps(t, schedule.NumTimesteps, convention, rank: rank, dtype: z.dtype);
        return (cSkip * z + cOut * xHat).MoveToOuterDisposeScope();
    }

    /// <summary>The consistency function of a model at (z, t): <see cref="ConsistencyFunction(Tensor, Tensor, Tensor, NoiseSchedule, BoundaryScalingConvention?)"/> of its v.</summary>
    public static Tensor ConsistencyFunction(VelocityModel model, Tensor z, Tensor t, NoiseSchedule schedule, BoundaryScalingConvention? boundaryScaling)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        return ConsistencyFunction(z, model(z, t), t, schedule, boundaryScaling).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The v-prediction whose x estimate is the consistency function: v' = (alpha_t z - f(z, t)) / sigma_t,
    /// so a sampler's x_hat = alpha_t z - sigma_t v' equals f (sigma_t &gt; 0 for every t in 0..T-1).
    /// With the boundary scaling off this returns the model's own v up to rounding.
    /// </summary>
    public static VelocityModel AsVelocityModel(VelocityModel model, NoiseSchedule schedule, BoundaryScalingConvention? boundaryScaling)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(schedule);
        if (boundaryScaling is null) return model;
        return (z, t) =>
        {
            using var scope = NewDisposeScope();
            Tensor f = ConsistencyFunction(model, z, t, schedule, boundaryScaling);
            var (alpha, sigma) = schedule.Gather(t, (int)z.dim(), z.dtype);
            return Parameterization.VFromZX(z, f, alpha, sigma).MoveToOuterDisposeScope();
        };
    }

    /// <summary>
    /// The consistency-distillation loss for given draws: mse(f_student(z_t, t), f_target(z_s_teacher, s)),
    /// z_t = alpha_t x + sigma_t eps, z_s_teacher = <see cref="TeacherStep"/>. Only the student's
    /// branch carries gradients; the teacher and target run under no_grad.
    /// </summary>
    /// <returns>The loss (scalar, with gradient) and the teacher's next point z_s (detached).</returns>
    public static (Tensor Loss, Tensor TeacherNext) Loss(
        VelocityModel student, VelocityModel teacher, VelocityModel target, NoiseSchedule schedule,
        BoundaryScalingConvention? boundaryScaling, Tensor x, Tensor t, Tensor s, Tensor eps)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(target);
        using var scope = NewDisposeScope();
        var (alphaT, sigmaT) = schedule.Gather(t, (int)x.dim(), x.dtype);
        Tensor zT = Parameterization.Diffuse(x, eps, alphaT, sigmaT);
        Tensor zS = TeacherStep(teacher, schedule, zT, t, s);
        Tensor targetValue;
        using (no_grad())
        {
            targetValue = ConsistencyFunction(target, zS, s, schedule, boundaryScaling).detach();
        }
        Tensor prediction = ConsistencyFunction(student, zT, t, schedule, boundaryScaling);
        Tensor loss = nn.functional.mse_loss(prediction, targetValue);
        return (loss.MoveToOuterDisposeScope(), zS.MoveToOuterDisposeScope());
    }
}
