using static TorchSharp.torch;

namespace CondDistill.Diffusion;

/// <summary>
/// The N-step teacher grid of CoDi (method.md section 3): k = T / N and grid points t = i k for
/// i = 0..N-1, so the top point is T - k (980 for N = 50). Training draws i in 1..N-1 and steps
/// t = i k -> s = t - k. Few-step sampling visits every r-th grid point from the top,
/// r = ceil(N / n), and then goes to 0.
/// </summary>
/// <remarks>
/// Visited timesteps (T = 1000), computed by the rule and asserted in TimestepGridTests:
/// N = 50: 1 step [980]; 2 steps [980, 480]; 4 steps [980, 720, 460, 200];
/// 8 steps (r = 7) [980, 840, 700, 560, 420, 280, 140, 0] - the eighth point is the grid point t = 0,
/// evaluated like any other (as in the released code, whose list is grid[::r]).
/// N = 20: 1 step [950]; 2 steps [950, 450]; 4 steps [950, 700, 450, 200].
/// When grid[::r] has fewer than n points (e.g. N = 50 and 16 steps gives 13 points, N = 20 and
/// 8 steps gives 7) the request is rejected instead of silently running fewer steps.
/// </remarks>
public sealed class TimestepGrid
{
    /// <summary>Creates the grid for <paramref name="teacherSteps"/> = N over T timesteps (T divisible by N).</summary>
    /// <exception cref="ArgumentException">N is not a divisor of T in 2..T.</exception>
    public TimestepGrid(int teacherSteps, int numTimesteps = NoiseSchedule.DefaultNumTimesteps)
    {
        if (teacherSteps < 2 || teacherSteps > numTimesteps || numTimesteps % teacherSteps != 0)
            throw new ArgumentException(
                $"Teacher grid: N = {teacherSteps} must divide T = {numTimesteps} and lie in 2..T (e.g. 20 or 50 for T = 1000).",
                nameof(teacherSteps));
        TeacherSteps = teacherSteps;
        NumTimesteps = numTimesteps;
    }

    /// <summary>N, the number of grid steps.</summary>
    public int TeacherSteps { get; }

    /// <summary>T, the number of discrete timesteps.</summary>
    public int NumTimesteps { get; }

    /// <summary>k = T / N, the grid spacing in timesteps.</summary>
    public int Spacing => NumTimesteps / TeacherSteps;

    /// <summary>The top grid point T - k, where few-step sampling starts.</summary>
    public int TopTimestep => NumTimesteps - Spacing;

    /// <summary>Where every sampling run ends: t = 0 (the last visited step outputs its x_hat).</summary>
    public const int FinalTarget = 0;

    /// <summary>Grid stride r = ceil(N / n) for <paramref name="steps"/> = n sampling steps.</summary>
    public int Stride(int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of sampling steps must be at least 1.");
        return (TeacherSteps + steps - 1) / steps;
    }

    /// <summary>
    /// The n timesteps few-step sampling visits, from the top: t_j = T - k - j r k for j = 0..n-1
    /// (e.g. N = 50, n = 4: [980, 720, 460, 200]); after the last one the sampler goes to
    /// <see cref="FinalTarget"/> = 0.
    /// </summary>
    /// <exception cref="ArgumentException">Taking every r-th grid point yields fewer than n points.</exception>
    public int[] SamplingTimesteps(int steps)
    {
        int stride = Stride(steps);
        int available = (TeacherSteps - 1) / stride + 1;
        if (available < steps)
        {
            var valid = Enumerable.Range(1, TeacherSteps).Where(n => (TeacherSteps - 1) / Stride(n) + 1 >= n);
            throw new ArgumentException(
                $"Teacher grid N = {TeacherSteps}: {steps} steps need r = ceil({TeacherSteps}/{steps}) = {stride}, which leaves only " +
                $"{available} grid points. Step counts this grid supports: {string.Join(", ", valid)}.", nameof(steps));
        }
        var visited = new int[steps];
        for (int j = 0; j < steps; j++) visited[j] = TopTimestep - j * stride * Spacing;
        return visited;
    }

    /// <summary>Shortcut for <c>new TimestepGrid(teacherSteps).SamplingTimesteps(steps)</c>.</summary>
    public static int[] SamplingTimesteps(int teacherSteps, int steps, int numTimesteps = NoiseSchedule.DefaultNumTimesteps) =>
        new TimestepGrid(teacherSteps, numTimesteps).SamplingTimesteps(steps);

    /// <summary>
    /// Draws training grid indices i in 1..N-1 and returns t = i k and s = t - k as int64 tensors [B]
    /// on <paramref name="device"/>. With <paramref name="sharedAcrossBatch"/> one i is drawn for the
    /// whole batch (the paper's default); otherwise one per sample. The draw uses only
    /// <paramref name="generator"/> (CPU), so it is reproducible from its seed.
    /// </summary>
    public (Tensor T, Tensor S) DrawTrainingSteps(int batchSize, bool sharedAcrossBatch, Generator generator, Device? device = null)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be at least 1.");
        using var scope = NewDisposeScope();
        Tensor index = sharedAcrossBatch
            ? randint(1, TeacherSteps, [1], dtype: ScalarType.Int64, generator: generator).expand(batchSize).contiguous()
            : randint(1, TeacherSteps, [batchSize], dtype: ScalarType.Int64, generator: generator);
        Tensor t = (index * Spacing).to(device ?? CPU);
        Tensor s = (t - Spacing).to(device ?? CPU);
        return (t.MoveToOuterDisposeScope(), s.MoveToOuterDisposeScope());
    }
}
