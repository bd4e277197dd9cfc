using static TorchSharp.torch;

namespace CondDistill.Diffusion;

/// <summary>
/// Samplers over a <see cref="VelocityModel"/> (k-diffusion style: each sampler is one function of a
/// model callable, a schedule, the starting noise and a descending list of timesteps). Every sampler
/// starts from z = <c>initialNoise</c> at the first timestep, evaluates the model once per visited
/// timestep (NFE = number of timesteps), and returns the x_hat of the LAST visited timestep, i.e. the
/// final step goes to t = 0 with alpha = 1, sigma = 0. Runs under no_grad with one dispose scope per
/// step; the output is unclamped unless <c>clampOutput</c> is set. For per-sample reproducibility make
/// the starting noise with <see cref="SeededNoise.Normal(long[], IReadOnlyList{long}, Device?, ScalarType)"/>.
/// </summary>
public static class DiffusionSamplers
{
    /// <summary>
    /// Deterministic DDIM (eta = 0) over <paramref name="timesteps"/>: at each t, x_hat and eps_hat from
    /// the model's v; then z_next = alpha_next x_hat + sigma_next eps_hat; the last step outputs x_hat.
    /// </summary>
    public static SamplerResult Ddim(VelocityModel model, NoiseSchedule schedule, Tensor initialNoise, IReadOnlyList<int> timesteps, bool clampOutput = false) =>
        Run(model, schedule, initialNoise, timesteps, clampOutput, (j, z, xHat, epsHat) =>
        {
            var (alphaNext, sigmaNext) = Coefficients(schedule, timesteps[j + 1], z);
            return SolverSteps.Ddim(xHat, epsHat, alphaNext, sigmaNext);
        });

    /// <summary>Many-step DDIM with trailing spacing (<see cref="TimestepSpacing.Trailing"/>): starts at T - 1.</summary>
    public static SamplerResult DdimTrailing(VelocityModel model, NoiseSchedule schedule, Tensor initialNoise, int steps, bool clampOutput = false) =>
        Ddim(model, schedule, initialNoise, TimestepSpacing.Trailing(steps, schedule.NumTimesteps), clampOutput);

    /// <summary>
    /// CoDi's few-step sampler (method.md section 3, released code): deterministic DDIM on the teacher
    /// grid, visiting every r-th grid point from the top (<see cref="TimestepGrid.SamplingTimesteps(int)"/>),
    /// last step to 0, returning the final x_hat. E.g. N = 50, 4 steps: 980, 720, 460, 200.
    /// </summary>
    public static SamplerResult Grid(VelocityModel model, NoiseSchedule schedule, Tensor initialNoise, TimestepGrid grid, int steps, bool clampOutput = false)
    {
        if (grid.NumTimesteps != schedule.NumTimesteps)
            throw new ArgumentException($"Grid sampler: the grid has T = {grid.NumTimesteps} but the schedule has T = {schedule.NumTimesteps}.", nameof(grid));
        return Ddim(model, schedule, initialNoise, grid.SamplingTimesteps(steps), clampOutput);
    }

    /// <summary>
    /// Consistency-model multistep sampling (Song et al. 2023, Algorithm 1): at each visited t take x_hat
    /// from the model; if t is not the last, re-noise to the next timestep with FRESH noise,
    /// z = alpha_next x_hat + sigma_next eps_fresh. The fresh noise of transition j (j = 0 for the first
    /// re-noising) for sample i is <see cref="SeededNoise"/> with seed
    /// <see cref="SeededNoise.DeriveSeed"/>(seeds[i], j + 1), so a sample does not depend on the batch.
    /// </summary>
    public static SamplerResult ConsistencyMultistep(VelocityModel model, NoiseSchedule schedule, Tensor initialNoise, IReadOnlyList<long> seeds, IReadOnlyList<int> timesteps, bool clampOutput = false)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count != initialNoise.shape[0])
            throw new ArgumentException($"Consistency multistep sampler: {seeds.Count} seeds for a batch of {initialNoise.shape[0]}; pass one seed per sample.", nameof(seeds));
        long[] perSampleShape = initialNoise.shape[1..];
        return Run(model, schedule, initialNoise, timesteps, clampOutput, (j, z, xHat, _) =>
        {
            var (alphaNext, sigmaNext) = Coefficients(schedule, timesteps[j + 1], z);
            Tensor fresh = SeededNoise.Normal(perSampleShape, seeds, stream: j + 1, z.device, z.dtype);
            return SolverSteps.Renoise(xHat, fresh, alphaNext, sigmaNext);
        });
    }

    /// <summary>
    /// DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2, data prediction x_hat from the model's v) over
    /// <paramref name="timesteps"/>: the first transition is first order (equal to DDIM), later ones
    /// second-order multistep using the previous x_hat; the last visited timestep outputs its x_hat
    /// (a first-order final step to sigma = 0, as diffusers' lower_order_final does).
    /// </summary>
    public static SamplerResult DpmSolverPlusPlus2M(VelocityModel model, NoiseSchedule schedule, Tensor initialNoise, IReadOnlyList<int> timesteps, bool clampOutput = false)
    {
        Tensor? previousXHat = null;
        try
        {
            return Run(model, schedule, initialNoise, timesteps, clampOutput, (j, z, xHat, _) =>
            {
                Tensor next = previousXHat is null
                    ? SolverSteps.DpmSolverPlusPlusFirstOrder(z, xHat, schedule, timesteps[j], timesteps[j + 1])
                    : SolverSteps.DpmSolverPlusPlusSecondOrder(z, xHat, previousXHat, schedule, timesteps[j - 1], timesteps[j], timesteps[j + 1]);
                previousXHat?.Dispose();
                previousXHat = xHat.MoveToOuterDisposeScope();
                return next;
            });
        }
        finally
        {
            previousXHat?.Dispose();
        }
    }

    /// <summary>DPM-Solver++(2M) with trailing spacing (<see cref="TimestepSpacing.Trailing"/>).</summary>
    public static SamplerResult DpmSolverPlusPlus2MTrailing(VelocityModel model, NoiseSchedule schedule, Tensor initialNoise, int steps, bool clampOutput = false) =>
        DpmSolverPlusPlus2M(model, schedule, initialNoise, TimestepSpacing.Trailing(steps, schedule.NumTimesteps), clampOutput);

    /// <summary>The next point of a sampler: transition <paramref name="j"/> from z at timesteps[j] given the model's x_hat and eps_hat there.</summary>
    private delegate Tensor Transition(int j, Tensor z, Tensor xHat, Tensor epsHat);

    /// <summary>
    /// The loop every sampler shares: at each visited timestep one model call gives (x_hat, eps_hat);
    /// the last one's x_hat is the output, otherwise <paramref name="next"/> gives the next z. No
    /// gradients, one dispose scope per step, the caller's noise is never disposed.
    /// </summary>
    private static SamplerResult Run(VelocityModel model, NoiseSchedule schedule, Tensor initialNoise, IReadOnlyList<int> timesteps, bool clampOutput, Transition next)
    {
        ValidateTimesteps(schedule, timesteps);
        using var noGrad = no_grad();
        using var outer = NewDisposeScope();
        Tensor z = initialNoise;
        Tensor output;
        for (int j = 0; ; j++)
        {
            using var step = NewDisposeScope();
            var (xHat, epsHat) = Predict(model, schedule, z, timesteps[j]);
            if (j == timesteps.Count - 1)
            {
                output = xHat.MoveToOuterDisposeScope();
                break;
            }
            z = Replace(z, initialNoise, next(j, z, xHat, epsHat).MoveToOuterDisposeScope());
        }
        return Finish(output, z, initialNoise, timesteps, clampOutput); // outside the step scope: the result reaches the caller's scope
    }

    /// <summary>One model call at timestep t for the whole batch, converted to (x_hat, eps_hat).</summary>
    private static (Tensor XHat, Tensor EpsHat) Predict(VelocityModel model, NoiseSchedule schedule, Tensor z, int t)
    {
        Tensor timestep = full([z.shape[0]], t, ScalarType.Int64, z.device);
        Tensor v = model(z, timestep);
        if (!v.shape.SequenceEqual(z.shape))
            throw new InvalidOperationException($"The velocity model returned shape [{string.Join(", ", v.shape)}] for input [{string.Join(", ", z.shape)}]; it must return a v-prediction of the input's shape.");
        var (alpha, sigma) = Coefficients(schedule, t, z);
        return (Parameterization.XFromV(z, v, alpha, sigma), Parameterization.EpsFromV(z, v, alpha, sigma));
    }

    /// <summary>alpha_t and sigma_t as [B, 1, ..., 1] tensors matching z's rank, dtype and device.</summary>
    private static (Tensor Alpha, Tensor Sigma) Coefficients(NoiseSchedule schedule, int t, Tensor z)
    {
        Tensor timestep = full([z.shape[0]], t, ScalarType.Int64, z.device);
        return schedule.Gather(timestep, (int)z.dim(), z.dtype);
    }

    /// <summary>Swaps the running z, disposing the previous one unless it is the caller's noise.</summary>
    private static Tensor Replace(Tensor current, Tensor initialNoise, Tensor next)
    {
        if (!ReferenceEquals(current, initialNoise)) current.Dispose();
        return next;
    }

    private static SamplerResult Finish(Tensor output, Tensor z, Tensor initialNoise, IReadOnlyList<int> timesteps, bool clampOutput)
    {
        if (!ReferenceEquals(z, initialNoise)) z.Dispose();
        Tensor samples = clampOutput ? output.clamp(-1.0, 1.0) : output;
        return new SamplerResult(samples.MoveToOuterDisposeScope(), timesteps.Count, timesteps.ToArray());
    }

    private static void ValidateTimesteps(NoiseSchedule schedule, IReadOnlyList<int> timesteps)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        if (timesteps.Count == 0)
            throw new ArgumentException("Sampler: the timestep list is empty; pass at least one timestep.", nameof(timesteps));
        for (int j = 0; j < timesteps.Count; j++)
        {
            if (timesteps[j] < 0 || timesteps[j] >= schedule.NumTimesteps)
                throw new ArgumentException($"Sampler: timestep {timesteps[j]} (position {j}) is outside 0..{schedule.NumTimesteps - 1}.", nameof(timesteps));
            if (j > 0 && timesteps[j] >= timesteps[j - 1])
                throw new ArgumentException($"Sampler: timesteps must be strictly decreasing; got {timesteps[j - 1]} then {timesteps[j]} at position {j}.", nameof(timesteps));
        }
    }
}
