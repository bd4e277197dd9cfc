using CondDistill.Diffusion;
using static TorchSharp.torch;

namespace CondDistill.Training.Baselines;

/// <summary>
/// One phase of guided/progressive distillation (Salimans and Ho 2022, Algorithm 2; Meng et al. 2023
/// stage two) as pure functions: a student with n steps learns to match TWO deterministic DDIM steps
/// of a frozen teacher with ONE step.
/// <para>
/// Timesteps: the student samples with <see cref="DiffusionSamplers.DdimTrailing"/> at n steps, so its
/// grid is <see cref="TimestepSpacing.Trailing"/>(n) = [t_0 &gt; ... &gt; t_{n-1}] followed by the end of
/// sampling (output x_hat, i.e. alpha = 1, sigma = 0, written <see cref="End"/>). The teacher's
/// grid is Trailing(2n), whose even positions are exactly the student's grid (trailing spacing
/// t_m = round(T - m T / (2n)) - 1 at m = 2j is round(T - j T / n) - 1). Student step j goes
/// t_j -> s' with s' = t_{j+1} (or <see cref="End"/> for j = n - 1); the teacher goes
/// t_j -> t_mid = Trailing(2n)[2j + 1] -> s'.
/// </para>
/// <para>
/// Target: the x_tilde that makes one DDIM step from z_t land on the teacher's z_s':
/// x_tilde = (z_s' - (sigma_s'/sigma_t) z_t) / (alpha_s' - (sigma_s'/sigma_t) alpha_t). At the end
/// (sigma_s' = 0, alpha_s' = 1) the teacher's second step outputs its x_hat at t_mid and the formula
/// reduces to x_tilde = that x_hat, with no special case and no division by sigma_s'.
/// Loss: mean over the batch of w(t) mean((x_hat_student(z_t, t) - x_tilde)^2), with the weight of
/// <see cref="DistillationWeighting"/> (truncated SNR by default, as Salimans and Ho).
/// </para>
/// </summary>
public static class ProgressiveDistillationObjective
{
    /// <summary>Stands for "after the last step" (alpha = 1, sigma = 0) in timestep arrays.</summary>
    public const long End = -1;

    /// <summary>The student's timesteps, <see cref="TimestepSpacing.Trailing"/>(n).</summary>
    public static int[] StudentTimesteps(int studentSteps, int numTimesteps = NoiseSchedule.DefaultNumTimesteps) =>
        TimestepSpacing.Trailing(studentSteps, numTimesteps);

    /// <summary>The teacher's timesteps, <see cref="TimestepSpacing.Trailing"/>(2n).</summary>
    public static int[] TeacherTimesteps(int studentSteps, int numTimesteps = NoiseSchedule.DefaultNumTimesteps) =>
        TimestepSpacing.Trailing(2 * studentSteps, numTimesteps);

    /// <summary>
    /// For student step indices j (0..n-1): t = Trailing(2n)[2j], the teacher's midpoint
    /// Trailing(2n)[2j + 1] and the student's next point Trailing(2n)[2j + 2] (or <see cref="End"/> for j = n - 1).
    /// </summary>
    public static (long[] T, long[] Middle, long[] Next) Steps(int studentSteps, IReadOnlyList<long> stepIndices, int numTimesteps = NoiseSchedule.DefaultNumTimesteps)
    {
        ArgumentNullException.ThrowIfNull(stepIndices);
        int[] teacher = TeacherTimesteps(studentSteps, numTimesteps);
        var t = new long[stepIndices.Count];
        var middle = new long[stepIndices.Count];
        var next = new long[stepIndices.Count];
        for (int i = 0; i < stepIndices.Count; i++)
        {
            long j = stepIndices[i];
            if (j < 0 || j >= studentSteps)
                throw new ArgumentOutOfRangeException(nameof(stepIndices), j, $"Student step index must lie in 0..{studentSteps - 1}.");
            t[i] = teacher[2 * j];
            middle[i] = teacher[2 * j + 1];
            next[i] = j == studentSteps - 1 ? End : teacher[2 * j + 2];
        }
        return (t, middle, next);
    }

    /// <summary>
    /// Draws the student step index j (uniform over 0..n-1, one per sample) and then eps ~ N(0, I) of
    /// x's shape, both from <paramref name="generator"/> in that order; eps on x's device.
    /// </summary>
    public static (long[] StepIndices, Tensor Eps) Draw(Tensor x, int studentSteps, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        long[] indices = randint(0, studentSteps, [x.shape[0]], dtype: ScalarType.Int64, generator: generator).data<long>().ToArray();
        Tensor eps = randn(x.shape, dtype: x.dtype, generator: generator).to(x.device);
        return (indices, eps.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// alpha and sigma per sample, shaped [B, 1, ..., 1] (rank dimensions), with <see cref="End"/> mapped
    /// to (1, 0). Looked up in float64 from the schedule, then cast to <paramref name="dtype"/>.
    /// </summary>
    public static (Tensor Alpha, Tensor Sigma) Coefficients(NoiseSchedule schedule, IReadOnlyList<long> timesteps, Device device, int rank = 4, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(timesteps);
        var alpha = new double[timesteps.Count];
        var sigma = new double[timesteps.Count];
        for (int i = 0; i < timesteps.Count; i++)
        {
            long t = timesteps[i];
            (alpha[i], sigma[i]) = t == End ? (1.0, 0.0) : (schedule.Alpha(checked((int)t)), schedule.Sigma(checked((int)t)));
        }
        long[] shape = new long[rank];
        Array.Fill(shape, 1L);
        shape[0] = timesteps.Count;
        using var scope = NewDisposeScope();
        Tensor a = tensor(alpha, ScalarType.Float64).reshape(shape).to(dtype, device);
        Tensor s = tensor(sigma, ScalarType.Float64).reshape(shape).to(dtype, device);
        return (a.MoveToOuterDisposeScope(), s.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The teacher's two DDIM steps t -> middle -> next from z_t, without gradient. With next = <see cref="End"/>
    /// the second step returns the teacher's x_hat at the middle point.
    /// </summary>
    public static Tensor TeacherTwoSteps(VelocityModel teacher, NoiseSchedule schedule, Tensor zT, IReadOnlyList<long> t, IReadOnlyList<long> middle, IReadOnlyList<long> next)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor zMiddle = DdimStep(teacher, schedule, zT, t, middle);
        return DdimStep(teacher, schedule, zMiddle, middle, next).detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The student target x_tilde = (z_s' - (sigma_s'/sigma_t) z_t) / (alpha_s' - (sigma_s'/sigma_t) alpha_t),
    /// computed in float64 and returned in z_t's dtype. With sigma_s' = 0 and alpha_s' = 1 it is z_s'.
    /// </summary>
    public static Tensor StudentTarget(Tensor zT, Tensor zNext, Tensor alphaT, Tensor sigmaT, Tensor alphaNext, Tensor sigmaNext)
    {
        using var scope = NewDisposeScope();
        var f64 = ScalarType.Float64;
        Tensor ratio = sigmaNext.to_type(f64) / sigmaT.to_type(f64);
        Tensor target = (zNext.to_type(f64) - ratio * zT.to_type(f64)) / (alphaNext.to_type(f64) - ratio * alphaT.to_type(f64));
        return target.to_type(zT.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Per-sample loss weights [B] for timesteps t: max(SNR, 1), 1 + SNR or 1 (SNR = alpha^2 / sigma^2).</summary>
    public static Tensor Weights(NoiseSchedule schedule, IReadOnlyList<long> t, DistillationWeighting weighting, Device device, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(t);
        var weights = new double[t.Count];
        for (int i = 0; i < t.Count; i++)
        {
            double snr = Math.Exp(schedule.LogSnr(checked((int)t[i])));
            weights[i] = weighting switch
            {
                DistillationWeighting.TruncatedSnr => Math.Max(snr, 1.0),
                DistillationWeighting.SnrPlusOne => 1.0 + snr,
                DistillationWeighting.None => 1.0,
                _ => throw new ArgumentOutOfRangeException(nameof(weighting), weighting, "Unknown distillation weighting."),
            };
        }
        using var scope = NewDisposeScope();
        return tensor(weights, ScalarType.Float64).to(dtype, device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The distillation loss for given draws: z_t = alpha_t x + sigma_t eps, the teacher's two steps,
    /// x_tilde, and the weighted x-space MSE of the student's x_hat(z_t, t). Only the student carries gradients.
    /// </summary>
    /// <returns>Loss (weighted, with gradient), the unweighted x MSE (detached) and x_tilde (detached).</returns>
    public static (Tensor Loss, Tensor XMse, Tensor Target) Loss(
        VelocityModel student, VelocityModel teacher, NoiseSchedule schedule, DistillationWeighting weighting,
        Tensor x, int studentSteps, IReadOnlyList<long> stepIndices, Tensor eps)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(x);
        if (stepIndices.Count != x.shape[0])
            throw new ArgumentException($"GD-II loss: {stepIndices.Count} step indices for a batch of {x.shape[0]}.", nameof(stepIndices));
        using var scope = NewDisposeScope();
        int rank = (int)x.dim();
        var (t, middle, next) = Steps(studentSteps, stepIndices, schedule.NumTimesteps);
        var (alphaT, sigmaT) = Coefficients(schedule, t, x.device, rank, x.dtype);
        var (alphaNext, sigmaNext) = Coefficients(schedule, next, x.device, rank, x.dtype);
        Tensor zT = Parameterization.Diffuse(x, eps, alphaT, sigmaT);
        Tensor zNext = TeacherTwoSteps(teacher, schedule, zT, t, middle, next);
        Tensor target = StudentTarget(zT, zNext, alphaT, sigmaT, alphaNext, sigmaNext).detach();

        Tensor timesteps = tensor(t, ScalarType.Int64).to(x.device);
        Tensor xHat = Parameterization.XFromV(zT, student(zT, timesteps), alphaT, sigmaT);
        Tensor perSample = (xHat - target).square().flatten(1).mean([1]);
        Tensor loss = (Weights(schedule, t, weighting, x.device, x.dtype) * perSample).mean();
        Tensor xMse = perSample.detach().mean();
        return (loss.MoveToOuterDisposeScope(), xMse.MoveToOuterDisposeScope(), target.MoveToOuterDisposeScope());
    }

    /// <summary>One DDIM step from per-sample timesteps <paramref name="from"/> (real timesteps) to <paramref name="to"/> (may be <see cref="End"/>).</summary>
    private static Tensor DdimStep(VelocityModel model, NoiseSchedule schedule, Tensor z, IReadOnlyList<long> from, IReadOnlyList<long> to)
    {
        using var scope = NewDisposeScope();
        int rank = (int)z.dim();
        var (alpha, sigma) = Coefficients(schedule, from, z.device, rank, z.dtype);
        var (alphaTo, sigmaTo) = Coefficients(schedule, to, z.device, rank, z.dtype);
        Tensor v = model(z, tensor(from.ToArray(), ScalarType.Int64).to(z.device));
        Tensor xHat = Parameterization.XFromV(z, v, alpha, sigma);
        Tensor epsHat = Parameterization.EpsFromV(z, v, alpha, sigma);
        return SolverSteps.Ddim(xHat, epsHat, alphaTo, sigmaTo).MoveToOuterDisposeScope();
    }
}
