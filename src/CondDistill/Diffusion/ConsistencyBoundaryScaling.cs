using static TorchSharp.torch;

namespace CondDistill.Diffusion;

/// <summary>
/// Consistency-model boundary scaling f(z, t) = c_skip(t) z + c_out(t) x_hat(z, t), which enforces
/// f(z, 0) = z (c_skip(0) = 1, c_out(0) = 0). Used when consistency is measured on x (method.md
/// section 6 item 2). sigma_data (sd) defaults to 0.5 and time is scaled by 10; the exact formulas
/// of each <see cref="BoundaryScalingConvention"/> are documented on its members.
/// </summary>
public static class ConsistencyBoundaryScaling
{
    /// <summary>The data standard deviation sd used by the consistency-models paper and the CoDi code.</summary>
    public const double DefaultSigmaData = 0.5;

    /// <summary>The time scaling factor (t' = 10 t / T, or 10 t in the released code).</summary>
    public const double DefaultTimeScale = 10.0;

    /// <summary>The scaled time t' for an integer timestep t under a convention.</summary>
    public static double ScaledTime(int t, int numTimesteps, BoundaryScalingConvention convention = BoundaryScalingConvention.NormalizedTime, double timeScale = DefaultTimeScale)
    {
        if (t < 0 || t >= numTimesteps)
            throw new ArgumentOutOfRangeException(nameof(t), t, $"Timestep must lie in 0..{numTimesteps - 1}.");
        return convention switch
        {
            BoundaryScalingConvention.NormalizedTime => timeScale * t / numTimesteps,
            BoundaryScalingConvention.ReleasedCode => timeScale * t,
            _ => throw new ArgumentOutOfRangeException(nameof(convention), convention, "Unknown boundary scaling convention."),
        };
    }

    /// <summary>c_skip = sd^2 / (t'^2 + sd^2) for scaled time t' (same formula in both conventions).</summary>
    public static double CSkip(double scaledTime, double sigmaData = DefaultSigmaData) =>
        sigmaData * sigmaData / (scaledTime * scaledTime + sigmaData * sigmaData);

    /// <summary>
    /// c_out for scaled time t': sd t' / sqrt(t'^2 + sd^2) (<see cref="BoundaryScalingConvention.NormalizedTime"/>)
    /// or t' / sqrt(t'^2 + sd^2) (<see cref="BoundaryScalingConvention.ReleasedCode"/>).
    /// </summary>
    public static double COut(double scaledTime, BoundaryScalingConvention convention = BoundaryScalingConvention.NormalizedTime, double sigmaData = DefaultSigmaData)
    {
        double denominator = Math.Sqrt(scaledTime * scaledTime + sigmaData * sigmaData);
        return convention == BoundaryScalingConvention.ReleasedCode ? scaledTime / denominator : sigmaData * scaledTime / denominator;
    }

    /// <summary>(c_skip, c_out) for an integer timestep t.</summary>
    public static (double CSkip, double COut) ForTimestep(int t, int numTimesteps, BoundaryScalingConvention convention = BoundaryScalingConvention.NormalizedTime, double sigmaData = DefaultSigmaData)
    {
        double scaled = ScaledTime(t, numTimesteps, convention);
        return (CSkip(scaled, sigmaData), COut(scaled, convention, sigmaData));
    }

    /// <summary>
    /// (c_skip, c_out) for an int64 timestep tensor [B], each shaped [B, 1, ..., 1] with
    /// <paramref name="rank"/> dimensions on t's device (float32 unless told otherwise).
    /// </summary>
    public static (Tensor CSkip, Tensor COut) ForTimesteps(Tensor t, int numTimesteps, BoundaryScalingConvention convention = BoundaryScalingConvention.NormalizedTime, double sigmaData = DefaultSigmaData, int rank = 4, ScalarType dtype = ScalarType.Float32)
    {
        if (t.dim() != 1 || t.dtype != ScalarType.Int64)
            throw new ArgumentException($"ConsistencyBoundaryScaling.ForTimesteps: t must be an int64 tensor of shape [B]; got {t.dtype} of shape [{string.Join(", ", t.shape)}].", nameof(t));
        using var scope = NewDisposeScope();
        long[] steps = t.cpu().data<long>().ToArray();
        var cSkip = new double[steps.Length];
        var cOut = new double[steps.Length];
        for (int i = 0; i < steps.Length; i++)
            (cSkip[i], cOut[i]) = ForTimestep(checked((int)steps[i]), numTimesteps, convention, sigmaData);
        long[] shape = new long[rank];
        Array.Fill(shape, 1L);
        shape[0] = steps.Length;
        Tensor skip = tensor(cSkip, ScalarType.Float64).to(dtype, t.device).reshape(shape);
        Tensor output = tensor(cOut, ScalarType.Float64).to(dtype, t.device).reshape(shape);
        return (skip.MoveToOuterDisposeScope(), output.MoveToOuterDisposeScope());
    }
}
